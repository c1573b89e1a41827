// Text normalisation for question matching: the same function turns FAQ text
// and users' questions into comparable word tokens.
//
// Splitting lowercases ASCII letters, drops apostrophes inside words ("can't"
// -> "cant", also the typographic ’), and treats every other byte (punctuation,
// non-ASCII, invalid UTF-8) as a separator, so no input can make it fail.
// Stemming folds UK/US spelling (organisation/organization, cancelled/canceled,
// colour/color) and strips common inflections (locked/locking/locks -> lock).
// It is deliberately light: both sides of a comparison go through it, so it
// only has to be consistent, not linguistically right.
//
// The matcher's per-question path uses the allocation-free forms
// (SplitWordSpans, AppendStem); SplitWords and StemWord are built on them, so
// both paths split and stem alike.
//
// Thread-safety: pure functions over immutable tables; safe from any thread.
#ifndef WHYD_KNOWLEDGE_TEXT_NORMALIZER_H_
#define WHYD_KNOWLEDGE_TEXT_NORMALIZER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace whyd {

struct SplitLimits {
  size_t max_bytes = 2000;   // bytes of input looked at
  size_t max_tokens = 80;    // words returned
  size_t max_word_bytes = 40;  // longer runs are cut (they are never real words)
};

// Lowercased words of `text`, apostrophes removed. Sets *truncated when a
// limit cut the input short.
// When `capitalised` is given, it receives for each word whether it was
// written with a capital first letter somewhere other than a sentence start
// (a hint that it is a name).
std::vector<std::string> SplitWords(std::string_view text, const SplitLimits& limits,
                                    bool* truncated = nullptr,
                                    std::vector<bool>* capitalised = nullptr);

// One word of SplitWordSpans: chars [offset, offset + size) of its buffer.
struct WordSpan {
  uint32_t offset = 0;
  uint32_t size = 0;
  bool capitalised = false;  // as SplitWords' `capitalised`
};

// SplitWords without a string per word: the lowercased words are written one
// after another into *chars (cleared first) and described by *words (cleared
// first); returns whether a limit cut the input short. Reusing the two
// buffers from one call to the next makes splitting allocation-free.
bool SplitWordSpans(std::string_view text, const SplitLimits& limits, std::string* chars,
                    std::vector<WordSpan>* words);

// The comparable stem of one lowercased word (see the file comment).
std::string StemWord(std::string_view word);

// Appends StemWord(word) to *out. A stem is never longer than its word.
void AppendStem(std::string_view word, std::string* out);

// Words too common in help-centre questions to tell FAQs apart ("the", "how",
// "why", "please"). Checked on stems.
bool IsStopWord(std::string_view stem);

// Words that only make conversation ("hi", "thanks", "human"); a question made
// of nothing else is not about any FAQ. Checked on stems.
bool IsSmallTalkWord(std::string_view stem);

// Damerau-Levenshtein (optimal string alignment) distance, giving up and
// returning limit + 1 as soon as the distance exceeds `limit`.
int BoundedEditDistance(std::string_view a, std::string_view b, int limit);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_TEXT_NORMALIZER_H_
