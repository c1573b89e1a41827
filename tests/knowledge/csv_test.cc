// The RFC 4180 reader: quoting, line ends, BOM, blank lines, and bad input.
#include <catch2/catch.hpp>

#include "knowledge/csv.h"

namespace whyd {
namespace {

TEST_CASE("quoted fields keep commas, newlines and escaped quotes", "[csv]") {
  auto t = ParseCsv("name,note\r\n\"Smith, Jo\",\"said \"\"hi\"\"\nthen left\"\r\nAl,plain\r\n");
  REQUIRE(t.ok());
  REQUIRE(t->header == std::vector<std::string>{"name", "note"});
  REQUIRE(t->rows.size() == 2);
  CHECK(t->rows[0].cells[0] == "Smith, Jo");
  CHECK(t->rows[0].cells[1] == "said \"hi\"\nthen left");
  CHECK(t->rows[0].row == 2);
  CHECK(t->rows[1].line == 4);  // the quoted newline moved it down a line
  CHECK(t->rows[1].cells[1] == "plain");
}

TEST_CASE("a BOM is dropped, blank lines are skipped, a last line may lack its newline", "[csv]") {
  auto t = ParseCsv("\xEF\xBB\xBF" "Email,Case Owner\n\nx@y.org,Ada Admin\n\n\nz@y.org,");
  REQUIRE(t.ok());
  CHECK(t->header[0] == "Email");
  REQUIRE(t->rows.size() == 2);
  CHECK(t->rows[1].cells[1].empty());
  CHECK(t->rows[0].row == 3);  // spreadsheet numbering counts the blank row
  CHECK(t->FindColumn("case_owner") == 1);
  CHECK(t->FindColumn("  CASE_OWNER ") == 1);
  CHECK(t->FindColumn("sso_enabled") == -1);
}

TEST_CASE("bad CSV is rejected with the line that is wrong", "[csv]") {
  auto ragged = ParseCsv("a,b,c\n1,2,3\n4,5\n");
  CHECK(ragged.status().code() == StatusCode::kInvalidArgument);
  CHECK(ragged.status().message() == "CSV line 3: the row has 2 cells but the header has 3");

  auto unclosed = ParseCsv("a,b\n1,\"open\n2,3\n");
  CHECK(unclosed.status().message() == "CSV line 2: a quoted field is not closed");

  auto after_quote = ParseCsv("a,b\n\"x\"y,2\n");
  CHECK(after_quote.status().message() == "CSV line 2: unexpected text after a closing quote");

  std::string binary = "a,b\n1,2\n3,";
  binary += '\0';
  binary += "\x01\n";
  auto bin = ParseCsv(std::string_view(binary.data(), binary.size()));
  CHECK(bin.status().message().find("CSV line 3: binary data") == 0);

  CHECK(ParseCsv("").status().message() == "the CSV is empty: expected a header row");
  CHECK(ParseCsv("\n\n").status().code() == StatusCode::kInvalidArgument);

  std::string big(kMaxCsvBytes + 1, 'a');
  CHECK(ParseCsv(big).status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("header names compare ignoring case, spaces vs underscores", "[csv]") {
  CHECK(NormaliseHeader(" SSO Enabled ") == "sso_enabled");
  CHECK(NormaliseHeader("case_owner") == NormaliseHeader("Case Owner"));
}

}  // namespace
}  // namespace whyd
