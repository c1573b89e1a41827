// Question matching: from a free-text question to the FAQ it asks, or an
// honest "not sure".
//
// A QuestionMatcher is compiled once from the FAQ catalogue (engine/catalogue.h):
// each FAQ's title, answer and author-written keywords, examples and RE2
// patterns, plus the domain synonym lexicon. Matching a question normalises it
// (case, punctuation, apostrophes, UK/US spelling, light stemming, synonyms,
// typo correction against the catalogue's vocabulary), scores every FAQ
// (BM25 over the FAQ as a whole plus the nearest author example, phrase and
// pattern bonuses), and turns the score and its margin over the runner-up into
// a calibrated confidence. Below the reject threshold the answer is "no FAQ".
// See docs/matching.md.
//
// Work per question is capped (input bytes, tokens), so hostile input costs
// no more than a long ordinary question.
//
// Thread-safety: immutable after construction; Match() is const and may be
// called from many threads at once.
#ifndef WHYD_KNOWLEDGE_QUESTION_MATCHER_H_
#define WHYD_KNOWLEDGE_QUESTION_MATCHER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/catalogue.h"
#include "engine/status.h"

namespace whyd {

// Tunable constants. The defaults are the documented, fitted values
// (docs/matching.md explains how they were obtained).
struct MatcherOptions {
  // Confidence = 1 / (1 + exp(-(bias + w_score*score + w_margin*margin + w_coverage*coverage))).
  double calib_bias = -1.899;
  double calib_score = 0.162;
  double calib_margin = 3.172;
  double calib_coverage = 4.074;
  // Below this confidence the matcher answers "no FAQ".
  double reject_below = 0.5;
  // Runners-up whose score is at least this fraction of the top score are
  // offered as alternatives ("did you mean A or B?").
  double alternative_ratio = 0.85;
  int max_alternatives = 2;
  // When the top candidate is rejected but its confidence is at least this,
  // it is still offered as an alternative rather than dropped silently.
  double suggest_above = 0.2;
  // Weight of words the catalogue has never seen (names, off-topic words):
  // they dilute the match a little, as an inverse document frequency.
  double unknown_word_idf = 3.0;
  // Work caps: bytes of the question looked at, and tokens scored.
  size_t max_input_bytes = 2000;
  size_t max_tokens = 80;
};

// One ranked FAQ.
struct FaqCandidate {
  std::string faq_id;
  double score = 0;       // raw combined score (comparable within one question)
  double confidence = 0;  // calibrated probability that this FAQ is the one asked
};

// Why the matcher chose what it chose: the evidence for the top candidate.
struct MatchEvidence {
  enum class Kind { kWord, kPhrase, kPattern, kExample };
  Kind kind;
  std::string text;    // the word, phrase, pattern or example that matched
  std::string detail;  // e.g. "typo of 'archive'", "synonym of 'learner'"
};

struct MatchResult {
  // The FAQ asked about; nullopt when nothing fits well enough.
  std::optional<std::string> faq_id;
  // Calibrated confidence of the top candidate (also when faq_id is null).
  double confidence = 0;
  // Close runners-up to offer alongside (or instead of) faq_id.
  std::vector<std::string> alternatives;
  // The best few candidates, best first (at most 3), whether or not accepted.
  std::vector<FaqCandidate> ranked;
  // Evidence for the top candidate.
  std::vector<MatchEvidence> evidence;
  // The inputs of the calibration, for explanation and for fitting it.
  struct Signals {
    double score = 0;     // combined score of the top candidate
    double margin = 0;    // its lead over the runner-up
    double coverage = 0;  // share of the question's word weight the top FAQ knows
  } signals;
  // "matched", "low_confidence", "no_content" (greeting, empty, emoji...).
  std::string reason;
  // The question was longer than the caps and only its start was read.
  bool truncated = false;
};

class QuestionMatcher {
 public:
  QuestionMatcher(const std::vector<FaqDef>& faqs, const std::vector<LexiconGroup>& lexicon,
                  MatcherOptions options = {});
  ~QuestionMatcher();
  QuestionMatcher(const QuestionMatcher&) = delete;
  QuestionMatcher& operator=(const QuestionMatcher&) = delete;

  // False when the catalogue could not be compiled (no FAQs, a bad RE2
  // pattern, duplicate ids); error() names the FAQ and the problem.
  bool ok() const { return error_.ok(); }
  const Status& error() const { return error_; }

  // Never fails on the question's content: empty, binary, invalid UTF-8 or
  // huge input yields a result with no FAQ. Fails only when !ok().
  StatusOr<MatchResult> Match(std::string_view question) const;

  const MatcherOptions& options() const { return options_; }

  // Internal representation, defined in question_matcher.cc.
  struct Index;

 private:
  MatcherOptions options_;
  Status error_;
  std::unique_ptr<const Index> index_;
};

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_QUESTION_MATCHER_H_
