// An RFC 4180 CSV reader for attachments (learner-import files).
//
// Accepts quoted fields with escaped quotes ("") and embedded commas and
// newlines, CRLF or LF line ends, a UTF-8 byte-order mark; skips blank lines.
// Rejects, with an error naming the line: binary data (NUL or other control
// bytes), an unclosed quote, text after a closing quote, a row whose cell count
// differs from the header's (ragged), input over the size limit.
//
// Thread-safety: pure functions.
#ifndef WHYD_KNOWLEDGE_CSV_H_
#define WHYD_KNOWLEDGE_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace whyd {

constexpr size_t kMaxCsvBytes = size_t{10} << 20;

struct CsvRow {
  int line = 0;  // physical line where the row starts (1-based)
  int row = 0;   // row number as a spreadsheet shows it: the header is row 1
  std::vector<std::string> cells;
};

struct CsvTable {
  std::vector<std::string> header;  // as written
  std::vector<CsvRow> rows;         // data rows, blank lines skipped

  // Index of the column whose header equals `name` ignoring case, surrounding
  // spaces, and spaces vs underscores ("Case Owner" = "case_owner"); -1 if none.
  int FindColumn(std::string_view name) const;
};

// "Case Owner " -> "case_owner".
std::string NormaliseHeader(std::string_view name);

StatusOr<CsvTable> ParseCsv(std::string_view text, size_t max_bytes = kMaxCsvBytes);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_CSV_H_
