// The CSV reader; see csv.h.
#include "knowledge/csv.h"

namespace whyd {
namespace {

bool IsBinaryByte(unsigned char c) {
  return c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

Status LineError(int line, std::string_view what) {
  return InvalidArgumentError("CSV line " + std::to_string(line) + ": " + std::string(what));
}

}  // namespace

std::string NormaliseHeader(std::string_view name) {
  size_t b = 0, e = name.size();
  while (b < e && (name[b] == ' ' || name[b] == '\t')) ++b;
  while (e > b && (name[e - 1] == ' ' || name[e - 1] == '\t')) --e;
  std::string out;
  for (char c : name.substr(b, e - b)) {
    if (c == ' ' || c == '-') c = '_';
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out += c;
  }
  return out;
}

int CsvTable::FindColumn(std::string_view name) const {
  const std::string want = NormaliseHeader(name);
  for (size_t i = 0; i < header.size(); ++i) {
    if (NormaliseHeader(header[i]) == want) return static_cast<int>(i);
  }
  return -1;
}

StatusOr<CsvTable> ParseCsv(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return ResourceExhaustedError("the CSV is " + std::to_string(text.size()) +
                                  " bytes; the limit is " + std::to_string(max_bytes) + " bytes");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRow> records;
  int line = 1;
  int ordinal = 0;  // every record, blank ones included, as a spreadsheet numbers rows
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    CsvRow row;
    row.line = line;
    row.row = ++ordinal;
    std::string cell;
    bool blank = true;
    bool end_of_record = false;
    while (!end_of_record) {
      cell.clear();
      if (i < n && text[i] == '"') {
        blank = false;
        const int opened_at = line;
        ++i;
        while (true) {
          if (i >= n) return LineError(opened_at, "a quoted field is not closed");
          char c = text[i];
          if (IsBinaryByte(static_cast<unsigned char>(c))) {
            return LineError(line, "binary data (a control or NUL byte): this is not a CSV text file");
          }
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              cell += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (c == '\n') ++line;
          cell += c;
          ++i;
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          return LineError(line, "unexpected text after a closing quote");
        }
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (IsBinaryByte(static_cast<unsigned char>(text[i]))) {
            return LineError(line, "binary data (a control or NUL byte): this is not a CSV text file");
          }
          cell += text[i++];
        }
        if (!cell.empty()) blank = false;
      }
      row.cells.push_back(cell);
      if (i >= n) {
        end_of_record = true;
      } else if (text[i] == ',') {
        blank = false;
        ++i;
      } else {  // line end: \n, \r\n or a lone \r
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        end_of_record = true;
      }
    }
    if (!blank) records.push_back(std::move(row));
  }
  if (records.empty()) return InvalidArgumentError("the CSV is empty: expected a header row");
  CsvTable table;
  table.header = std::move(records.front().cells);
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].cells.size() != table.header.size()) {
      return LineError(records[r].line, "the row has " + std::to_string(records[r].cells.size()) +
                                            " cells but the header has " +
                                            std::to_string(table.header.size()));
    }
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

}  // namespace whyd
