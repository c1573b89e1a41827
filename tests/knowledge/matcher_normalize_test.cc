// Text normalisation used by question matching: splitting, spelling folds,
// stemming and the bounded edit distance behind typo correction.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "knowledge/text_normalizer.h"

namespace whyd {
namespace {

using Words = std::vector<std::string>;

TEST_CASE("splitting lowercases and joins apostrophes", "[normalize]") {
  SplitLimits limits;
  CHECK(SplitWords("Why CAN'T Jo sign-in?", limits) == Words{"why", "cant", "jo", "sign", "in"});
  // The typographic apostrophe (U+2019) joins like the ASCII one.
  CHECK(SplitWords("doesn\xE2\x80\x99t work", limits) == Words{"doesnt", "work"});
}

TEST_CASE("splitting treats non-ASCII and invalid UTF-8 as separators", "[normalize][bad-input]") {
  SplitLimits limits;
  CHECK(SplitWords("caf\xC3\xA9 \xFF\xFEok\x80", limits) == Words{"caf", "ok"});
  CHECK(SplitWords(std::string("a\0b", 3), limits) == Words{"a", "b"});
  CHECK(SplitWords("\xF0\x9F\x98\x80\xF0\x9F\x98\xA1", limits).empty());
  CHECK(SplitWords("   \t\n", limits).empty());
}

TEST_CASE("splitting caps bytes, tokens and word length", "[normalize][bad-input]") {
  SplitLimits limits;
  limits.max_tokens = 3;
  bool truncated = false;
  CHECK(SplitWords("one two three four", limits, &truncated) == Words{"one", "two", "three"});
  CHECK(truncated);
  CHECK(SplitWords("one two", limits, &truncated).size() == 2);
  CHECK_FALSE(truncated);
  limits = SplitLimits{};
  std::string long_word(500, 'x');
  Words words = SplitWords(long_word, limits, &truncated);
  REQUIRE(words.size() == 1);
  CHECK(words[0].size() == limits.max_word_bytes);
}

TEST_CASE("splitting marks capitalised words inside a sentence", "[normalize]") {
  std::vector<bool> capitalised;
  SplitWords("Why can't Priya log in. Thanks", SplitLimits{}, nullptr, &capitalised);
  CHECK(capitalised == std::vector<bool>{false, false, true, false, false, false});
}

TEST_CASE("stemming folds UK and US spelling", "[normalize]") {
  CHECK(StemWord("organisation") == StemWord("organization"));
  CHECK(StemWord("cancelled") == StemWord("canceled"));
  CHECK(StemWord("colour") == StemWord("color"));
  CHECK(StemWord("prioritise") == StemWord("prioritize"));
}

TEST_CASE("stemming strips inflections consistently", "[normalize]") {
  CHECK(StemWord("locked") == StemWord("lock"));
  CHECK(StemWord("locking") == StemWord("locks"));
  CHECK(StemWord("archived") == StemWord("archive"));
  CHECK(StemWord("archiving") == StemWord("archive"));
  CHECK(StemWord("stopped") == StemWord("stop"));
  CHECK(StemWord("entries") == StemWord("entry"));
  CHECK(StemWord("access") == "access");  // a double s is not a plural
  CHECK(StemWord("status") == "status");
}

TEST_CASE("stop words and small talk are recognised", "[normalize]") {
  CHECK(IsStopWord("the"));
  CHECK(IsStopWord("why"));
  CHECK_FALSE(IsStopWord("learner"));
  CHECK(IsSmallTalkWord("thanks"));
  CHECK(IsSmallTalkWord("human"));
  CHECK_FALSE(IsSmallTalkWord("archive"));
}

TEST_CASE("bounded edit distance counts swaps as one edit and stops early", "[normalize]") {
  CHECK(BoundedEditDistance("archive", "archive", 2) == 0);
  CHECK(BoundedEditDistance("archvie", "archive", 2) == 1);  // transposition
  CHECK(BoundedEditDistance("arhive", "archive", 2) == 1);
  CHECK(BoundedEditDistance("subcription", "subscription", 2) == 1);
  CHECK(BoundedEditDistance("freezs", "freezes", 1) == 1);
  CHECK(BoundedEditDistance("cat", "dinosaur", 2) == 3);  // limit + 1
  std::string long_a(100, 'a'), long_b(100, 'a');
  long_b[50] = 'b';
  CHECK(BoundedEditDistance(long_a, long_b, 2) == 1);
}

}  // namespace
}  // namespace whyd
