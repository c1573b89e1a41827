// Question matching: compiles the catalogue into an in-memory index and
// scores questions against it. See question_matcher.h and docs/matching.md.
//
// Scoring, per FAQ:
//   combined = kWeightBm25 * bm25 / bm25_ceiling      (the FAQ's text as a whole)
//            + kWeightExample * best example cosine     (nearest author phrasing)
//            + kPatternBonus if one of its RE2 patterns matched the raw question
// Terms are normalised word stems (synonyms folded to the lexicon's canonical
// word) and bigrams of adjacent content words, so phrases count more than
// scattered words.
//
// A question is tokenised without a string per word: words, stems, phrase
// surfaces and bigrams are views into buffers that each thread reuses from
// one question to the next (MatchBuffers), and the index's maps are looked up
// by those views. The catalogue is tokenised by the plain Tokenize, which
// shares the splitting and stemming code, so both sides normalise alike.
//
// Thread-safety: the Index is built in the constructor and never written
// again; the per-question buffers are thread_local.
#include "knowledge/question_matcher.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "knowledge/text_normalizer.h"

namespace whyd {
namespace {

// Field weights of the FAQ-as-a-whole document.
constexpr double kTitleWeight = 2.0;
constexpr double kKeywordWeight = 3.0;
constexpr double kExampleWeight = 1.0;
constexpr double kAnswerWeight = 0.3;
// Bigrams (two adjacent content words) weigh this much relative to a word.
constexpr double kBigramWeight = 1.5;
// BM25 parameters (the usual defaults).
constexpr double kBm25K1 = 1.2;
constexpr double kBm25B = 0.5;
// Mix of the two similarity signals, and the bonus of a matched pattern.
constexpr double kWeightBm25 = 0.5;
constexpr double kWeightExample = 0.5;
constexpr double kPatternBonus = 1.0;

// Typo correction is the costly step (a few dozen hash probes per word), so
// it is bounded: words longer than this are not real words, and a question
// gets at most kMaxTypoAttempts attempts.
constexpr size_t kMaxTypoWordLength = 16;
constexpr int kMaxTypoAttempts = 8;

// Longest lexicon phrase, in words; bounds the phrase lookup per position.
constexpr size_t kMaxLexiconPhrase = 5;

struct Token {
  std::string term;     // the comparable form: stem, or canonical synonym
  std::string surface;  // as written (lowercased)
  std::string detail;   // "typo of 'x'", "synonym of 'y'", or empty
  bool content = true;  // false for stop words
};

// A Token of a question, its texts viewing the index or MatchBuffers. Its
// detail is only written out for evidence (QuestionToken::Detail).
struct QuestionToken {
  std::string_view term;
  std::string_view surface;
  std::string_view typo_of;                  // the vocabulary word a typo was fixed to
  const std::string* synonym_of = nullptr;  // the lexicon word a phrase was folded to
  bool content = true;

  // As Token::detail: "typo of 'x'", "synonym of 'y'", both, or empty.
  std::string Detail() const {
    std::string detail;
    if (!typo_of.empty()) detail.append("typo of '").append(typo_of).append("'");
    if (synonym_of != nullptr) {
      if (!detail.empty()) detail.append(", ");
      detail.append("synonym of '").append(*synonym_of).append("'");
    }
    return detail;
  }
};

// std::string_view's < (bytes compared as unsigned char), inline: questions'
// terms mostly differ in their first byte.
bool TermLess(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

// Hash and equality that take std::string_view, so that the index's maps
// can be searched with views into the per-question buffers. (Deliberately
// not noexcept: libstdc++ then keeps each node's hash, as it does for
// std::hash<std::string>, instead of rehashing every node a lookup walks.)
struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using TextMap = std::unordered_map<std::string, V, TextHash, std::equal_to<>>;
using TextSet = std::unordered_set<std::string, TextHash, std::equal_to<>>;

// Postings of one term: the FAQs that use it with its weighted frequency, the
// examples that contain it, and its idf.
struct Postings {
  std::vector<std::pair<int, double>> faqs;
  std::vector<int> examples;
  double idf = 0;
};

// One unique term of a question: unigram or bigram ("a b"), its weight and
// its postings (null: a term the catalogue does not know).
struct QueryTerm {
  std::string_view term;
  bool bigram = false;
  double weight = 0;
  const Postings* postings = nullptr;
};

// One FAQ's score for a question.
struct Scored {
  int faq;
  double score;
  int best_example;
};

// The buffers of one Match call, sized by the catalogue. Each thread keeps
// its own from one question to the next: allocating them afresh (a few KiB)
// cost more than filling them.
struct MatchBuffers {
  std::vector<int> pattern_hit;
  std::vector<int> set_entries;
  std::vector<double> bm25;
  // Example dot products: all zero between questions (a question resets the
  // entries it touched, listed in touched_examples), so that a question pays
  // for the examples that share a term with it, not for all of them.
  std::vector<double> dot;
  std::vector<int> touched_examples;
  std::vector<double> best_cosine;
  std::vector<int> best_example;
  std::vector<Scored> scored;
  // Tokenising: the lowercased words one after another and where each is;
  // stems of words outside the vocabulary; surfaces of folded phrases; the
  // bigram terms; a lexicon lookup key. Views into the first four stay valid
  // because each is reserved for all it will hold before it is written.
  std::string chars;
  std::vector<WordSpan> words;
  std::string stem_chars;
  std::string surface_chars;
  std::string bigram_chars;
  std::string key;
  std::vector<QuestionToken> stemmed;
  std::vector<QuestionToken> tokens;
  std::vector<QueryTerm> query;
  std::vector<const QuestionToken*> word_evidence;
  std::vector<const QueryTerm*> phrase_evidence;
};

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::string JoinTerms(const std::vector<std::string>& terms, char sep) {
  std::string out;
  for (const std::string& t : terms) {
    if (!out.empty()) out.push_back(sep);
    out += t;
  }
  return out;
}

}  // namespace

struct QuestionMatcher::Index {
  struct Faq {
    std::string id;
    TextMap<double> tf;  // weighted term frequency
    // Terms of the author-written matching text (title, keywords, examples),
    // not the answer: coverage must not grow with the length of an answer.
    TextSet match_terms;
    // Each keyword's unigram terms: the FAQ's core concepts.
    std::vector<std::vector<std::string>> keywords;
    // Each keyword term's weight (its idf), in the order of `keywords`.
    std::vector<std::vector<double>> keyword_weights;
    double length = 0;
    std::vector<std::pair<std::unique_ptr<RE2>, std::string>> patterns;
  };
  struct ExampleDoc {
    int faq;
    std::string text;
    std::unordered_set<std::string> terms;
    double norm = 0;  // sqrt(sum idf^2)
  };

  std::vector<Faq> faqs;
  std::vector<ExampleDoc> example_docs;  // each FAQ's examples in a row, FAQs in order
  std::unordered_map<std::string, double> idf;
  // Postings, so that a question costs one lookup per term (every term of a
  // FAQ or an example has them).
  TextMap<Postings> postings;
  double average_length = 1;
  // What scoring reads of every FAQ for every question, kept together rather
  // than spread over the large Faq structs: the BM25 length normalisation of
  // each FAQ, the norm of each example, and where each FAQ's examples start
  // in example_docs (FAQ f's are [first_example[f], first_example[f + 1])).
  std::vector<double> length_norm;
  std::vector<double> example_norm;
  std::vector<int> first_example;
  std::vector<int> example_faq;  // the FAQ of each example
  // Lexicon: stems of a phrase joined by ' ' -> canonical term.
  TextMap<std::string> synonyms;
  // First stem of a lexicon phrase -> its longest phrase length in words.
  TextMap<size_t> phrase_starts;
  TextMap<std::string> canonical_display;  // term -> readable word
  // Typo correction: known surface words and their deletion neighbourhoods.
  // A vocabulary word keeps its stem, so that a question's known words are
  // stemmed by one lookup. (Stop words are never in the vocabulary.)
  struct Word {
    int frequency = 0;
    std::string stem;
  };
  TextMap<Word> vocabulary;  // surface -> frequency and stem
  TextMap<std::vector<std::string>> deletions;
  // Every FAQ's patterns in one set, so that a question is read once for all
  // of them instead of once per pattern (a pattern search was a seventh of
  // the cost of matching). Entry i of the set is pattern
  // set_patterns[i].second of FAQ set_patterns[i].first. Null when the set
  // could not be built; then, and when the set runs out of memory on a
  // question, the patterns are searched one by one.
  std::unique_ptr<RE2::Set> pattern_set;
  std::vector<std::pair<int, int>> set_patterns;
  SplitLimits limits;
  RE2 email_address{"[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})+"};

  // Catalogue text -> tokens (its words are the vocabulary: no typos).
  std::vector<Token> Tokenize(std::string_view text) const;
  // A question -> buffers->tokens, as Tokenize would give with typo
  // correction; returns whether the limits cut the question short.
  bool TokenizeQuestion(std::string_view text, MatchBuffers* buffers) const;
  // buffers->tokens -> buffers->query: the content terms and the bigrams of
  // adjacent content terms, unsorted and with duplicates.
  static void QuestionTerms(MatchBuffers* buffers);
  std::string CorrectTypo(std::string_view word, int* distance) const;
  // Sets buffers->pattern_hit[f] to the first of FAQ f's patterns found in
  // `question` (-1: none); returns whether any was found.
  bool FindPatterns(std::string_view question, MatchBuffers* buffers) const;
  static std::vector<std::string> Terms(const std::vector<Token>& tokens);
  double Idf(const std::string& term, double unknown) const {
    auto it = idf.find(term);
    return it == idf.end() ? unknown : it->second;
  }
};

namespace {

void AddDeletions(const std::string& word, int depth, TextMap<std::vector<std::string>>& out,
                  const std::string& original) {
  if (depth == 0 || word.size() <= 2) return;
  for (size_t i = 0; i < word.size(); ++i) {
    std::string shorter = word.substr(0, i) + word.substr(i + 1);
    auto& bucket = out[shorter];
    if (bucket.empty() || bucket.back() != original) bucket.push_back(original);
    AddDeletions(shorter, depth - 1, out, original);
  }
}

int TypoBudget(size_t length) { return length >= 8 ? 2 : (length >= 4 ? 1 : 0); }

}  // namespace

std::string QuestionMatcher::Index::CorrectTypo(std::string_view word, int* distance) const {
  const int budget = TypoBudget(word.size());
  if (budget == 0) return {};
  std::string best;
  int best_distance = budget + 1;
  int best_frequency = 0;
  auto consider = [&](std::string_view candidate) {
    if (TypoBudget(candidate.size()) == 0) return;
    int d = BoundedEditDistance(word, candidate, budget);
    if (d > budget || d == 0) return;
    int frequency = vocabulary.find(candidate)->second.frequency;
    if (d < best_distance || (d == best_distance && frequency > best_frequency) ||
        (d == best_distance && frequency == best_frequency && candidate < best)) {
      best = candidate;
      best_distance = d;
      best_frequency = frequency;
    }
  };
  auto probe = [&](std::string_view key) {
    if (vocabulary.count(key) != 0) consider(key);
    auto it = deletions.find(key);
    if (it == deletions.end()) return;
    for (const std::string& candidate : it->second) consider(candidate);
  };
  // Deletions of the question word meet deletions of the vocabulary word
  // (symmetric delete): covers insertions, deletions, substitutions, swaps.
  // Two deletions are tried only when one found nothing within distance 1:
  // most typos are one slip, and the second round is the costly one.
  probe(word);
  std::string shorter;
  for (size_t i = 0; i < word.size(); ++i) {
    shorter.assign(word, 0, i);
    shorter.append(word, i + 1, std::string::npos);
    probe(shorter);
  }
  if (best_distance > 1 && budget >= 2) {
    std::string shortest;
    for (size_t i = 0; i < word.size(); ++i) {
      shorter.assign(word, 0, i);
      shorter.append(word, i + 1, std::string::npos);
      for (size_t j = i; j < shorter.size(); ++j) {  // j >= i: each pair once
        shortest.assign(shorter, 0, j);
        shortest.append(shorter, j + 1, std::string::npos);
        probe(shortest);
      }
    }
  }
  *distance = best_distance;
  return best;
}

bool QuestionMatcher::Index::FindPatterns(std::string_view question, MatchBuffers* buffers) const {
  std::vector<int>& hit = buffers->pattern_hit;
  hit.assign(faqs.size(), -1);
  if (pattern_set != nullptr) {
    RE2::Set::ErrorInfo error;
    if (pattern_set->Match(question, &buffers->set_entries, &error)) {
      for (int entry : buffers->set_entries) {
        const auto [f, p] = set_patterns[entry];
        if (hit[f] < 0 || p < hit[f]) hit[f] = p;
      }
      return true;
    }
    if (error.kind == RE2::Set::kNoError) return false;
  }
  bool any = false;
  for (size_t f = 0; f < faqs.size(); ++f) {
    const auto& patterns = faqs[f].patterns;
    for (size_t p = 0; p < patterns.size(); ++p) {
      if (RE2::PartialMatch(question, *patterns[p].first)) {
        hit[f] = static_cast<int>(p);
        any = true;
        break;
      }
    }
  }
  return any;
}

std::vector<Token> QuestionMatcher::Index::Tokenize(std::string_view text) const {
  std::vector<std::string> words = SplitWords(text, limits);
  std::vector<Token> stems;
  stems.reserve(words.size());
  for (const std::string& word : words) {
    Token token;
    token.surface = word;
    token.term = StemWord(word);
    token.content = !IsStopWord(word);
    stems.push_back(std::move(token));
  }
  // Fold synonym phrases, longest first, into their canonical term.
  std::vector<Token> tokens;
  tokens.reserve(stems.size());
  for (size_t i = 0; i < stems.size();) {
    bool folded = false;
    auto start = phrase_starts.find(stems[i].term);
    const size_t longest = start == phrase_starts.end() ? 0 : start->second;
    for (size_t n = std::min(longest, stems.size() - i); n >= 1 && !folded; --n) {
      std::string key = stems[i].term;
      for (size_t k = 1; k < n; ++k) key += ' ' + stems[i + k].term;
      auto it = synonyms.find(key);
      if (it == synonyms.end()) continue;
      Token token;
      token.term = it->second;
      token.surface = stems[i].surface;
      for (size_t k = 1; k < n; ++k) token.surface += ' ' + stems[i + k].surface;
      token.detail = stems[i].detail;
      if (token.term != key) {
        if (!token.detail.empty()) token.detail += ", ";
        token.detail += "synonym of '" + canonical_display.at(it->second) + "'";
      }
      token.content = true;
      tokens.push_back(std::move(token));
      i += n;
      folded = true;
    }
    if (!folded) {
      tokens.push_back(std::move(stems[i]));
      ++i;
    }
  }
  return tokens;
}

bool QuestionMatcher::Index::TokenizeQuestion(std::string_view text, MatchBuffers* buffers) const {
  MatchBuffers& b = *buffers;
  const bool truncated = SplitWordSpans(text, limits, &b.chars, &b.words);
  // A stem is never longer than its word: the words' bytes are room enough.
  b.stem_chars.clear();
  b.stem_chars.reserve(b.chars.size());
  b.stemmed.clear();
  int typo_attempts = 0;
  for (const WordSpan& span : b.words) {
    const std::string_view word(b.chars.data() + span.offset, span.size);
    // Each word is looked up once in the vocabulary, which also has its stem.
    const auto entry = vocabulary.find(word);
    const bool known = entry != vocabulary.end();
    // A capitalised word the catalogue does not know is most likely a name
    // (a person, the product): it says nothing about which FAQ is asked.
    if (span.capitalised && !known) continue;
    // The vocabulary has no stop words, so only an unknown word can be one.
    const bool stop_word = !known && IsStopWord(word);
    QuestionToken& token = b.stemmed.emplace_back();
    token.surface = word;
    const Word* form = known ? &entry->second : nullptr;
    bool stop_form = stop_word;
    if (typo_attempts < kMaxTypoAttempts && word.size() <= kMaxTypoWordLength && !stop_word && !known &&
        std::none_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      ++typo_attempts;
      int distance = 0;
      const std::string fixed = CorrectTypo(word, &distance);
      // A fix is always a vocabulary word (CorrectTypo picks among them).
      const auto corrected = fixed.empty() ? vocabulary.end() : vocabulary.find(fixed);
      if (corrected != vocabulary.end()) {
        token.typo_of = corrected->first;
        stop_form = IsStopWord(fixed);
        form = &corrected->second;
      }
    }
    if (form != nullptr) {
      token.term = form->stem;
    } else {
      const size_t at = b.stem_chars.size();
      AppendStem(word, &b.stem_chars);
      token.term = std::string_view(b.stem_chars.data() + at, b.stem_chars.size() - at);
    }
    token.content = !stop_form;
  }
  // Fold synonym phrases, longest first, into their canonical term. A
  // folded phrase's surface is its words joined by ' ': room enough is the
  // words' bytes and a space each.
  b.tokens.clear();
  b.surface_chars.clear();
  b.surface_chars.reserve(b.chars.size() + b.words.size());
  std::vector<QuestionToken>& stems = b.stemmed;
  for (size_t i = 0; i < stems.size();) {
    bool folded = false;
    auto start = phrase_starts.find(stems[i].term);
    const size_t longest = start == phrase_starts.end() ? 0 : start->second;
    for (size_t n = std::min(longest, stems.size() - i); n >= 1 && !folded; --n) {
      std::string& key = b.key;
      key.assign(stems[i].term);
      for (size_t k = 1; k < n; ++k) {
        key.push_back(' ');
        key.append(stems[i + k].term);
      }
      auto it = synonyms.find(std::string_view(key));
      if (it == synonyms.end()) continue;
      QuestionToken& token = b.tokens.emplace_back();
      token.term = it->second;
      if (n == 1) {
        token.surface = stems[i].surface;
      } else {
        const size_t at = b.surface_chars.size();
        b.surface_chars.append(stems[i].surface);
        for (size_t k = 1; k < n; ++k) {
          b.surface_chars.push_back(' ');
          b.surface_chars.append(stems[i + k].surface);
        }
        token.surface = std::string_view(b.surface_chars.data() + at, b.surface_chars.size() - at);
      }
      token.typo_of = stems[i].typo_of;
      if (token.term != key) token.synonym_of = &canonical_display.at(it->second);
      token.content = true;
      i += n;
      folded = true;
    }
    if (!folded) {
      b.tokens.push_back(std::move(stems[i]));
      ++i;
    }
  }
  return truncated;
}

void QuestionMatcher::Index::QuestionTerms(MatchBuffers* buffers) {
  MatchBuffers& b = *buffers;
  size_t bigram_bytes = 0;
  const QuestionToken* previous = nullptr;
  for (const QuestionToken& token : b.tokens) {
    if (!token.content) continue;
    if (previous != nullptr) bigram_bytes += previous->term.size() + 1 + token.term.size();
    previous = &token;
  }
  b.bigram_chars.clear();
  b.bigram_chars.reserve(bigram_bytes);
  b.query.clear();
  previous = nullptr;
  for (const QuestionToken& token : b.tokens) {
    if (!token.content) continue;
    b.query.push_back({token.term, false});
    if (previous != nullptr) {
      const size_t at = b.bigram_chars.size();
      b.bigram_chars.append(previous->term);
      b.bigram_chars.push_back(' ');
      b.bigram_chars.append(token.term);
      b.query.push_back({std::string_view(b.bigram_chars.data() + at, b.bigram_chars.size() - at), true});
    }
    previous = &token;
  }
}

std::vector<std::string> QuestionMatcher::Index::Terms(const std::vector<Token>& tokens) {
  std::vector<std::string> terms;
  const Token* previous = nullptr;
  for (const Token& token : tokens) {
    if (!token.content) continue;
    terms.push_back(token.term);
    if (previous != nullptr) terms.push_back(previous->term + ' ' + token.term);
    previous = &token;
  }
  return terms;
}

QuestionMatcher::QuestionMatcher(const std::vector<FaqDef>& faqs,
                                 const std::vector<LexiconGroup>& lexicon, MatcherOptions options)
    : options_(options) {
  auto index = std::make_unique<Index>();
  index->limits.max_bytes = options_.max_input_bytes;
  index->limits.max_tokens = options_.max_tokens;
  if (faqs.empty()) {
    error_ = FailedPreconditionError("question matcher: the catalogue has no FAQs");
    return;
  }
  SplitLimits catalogue_limits;  // catalogue text is trusted and may be long
  catalogue_limits.max_bytes = 1 << 20;
  catalogue_limits.max_tokens = 1 << 16;

  // Vocabulary first: every surface word the catalogue uses.
  auto add_vocabulary = [&](const std::string& text) {
    for (const std::string& w : SplitWords(text, catalogue_limits)) {
      if (IsStopWord(w)) continue;
      if (std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
      ++index->vocabulary[w].frequency;
    }
  };
  for (const FaqDef& faq : faqs) {
    add_vocabulary(faq.title);
    add_vocabulary(faq.answer);
    for (const auto& k : faq.match.keywords) add_vocabulary(k);
    for (const auto& e : faq.match.examples) add_vocabulary(e);
  }
  for (const LexiconGroup& group : lexicon) {
    for (const std::string& w : group.words) add_vocabulary(w);
  }
  for (auto& [word, entry] : index->vocabulary) {
    entry.stem = StemWord(word);
    AddDeletions(word, TypoBudget(word.size()), index->deletions, word);
  }

  // Lexicon: each phrase's stems -> the canonical (first) word's stems.
  for (const LexiconGroup& group : lexicon) {
    if (group.words.empty()) continue;
    std::vector<std::string> canonical_stems;
    for (const std::string& w : SplitWords(group.words.front(), catalogue_limits)) {
      canonical_stems.push_back(StemWord(w));
    }
    if (canonical_stems.empty()) {
      error_ = InvalidArgumentError("question matcher: lexicon group at " + group.where.ToString() +
                                    " starts with a word that has no letters");
      return;
    }
    std::string canonical = JoinTerms(canonical_stems, '_');
    if (canonical_stems.size() == 1) canonical = canonical_stems.front();
    index->canonical_display[canonical] = group.words.front();
    for (const std::string& phrase : group.words) {
      std::vector<std::string> stems;
      for (const std::string& w : SplitWords(phrase, catalogue_limits)) stems.push_back(StemWord(w));
      if (stems.empty() || stems.size() > kMaxLexiconPhrase) {
        error_ = InvalidArgumentError("question matcher: lexicon entry '" + phrase + "' at " +
                                      group.where.ToString() + " must have 1 to " +
                                      std::to_string(kMaxLexiconPhrase) + " words");
        return;
      }
      index->synonyms.emplace(JoinTerms(stems, ' '), canonical);
      size_t& longest = index->phrase_starts[stems.front()];
      longest = std::max(longest, stems.size());
    }
  }

  // FAQ documents.
  RE2::Options re_options;
  re_options.set_log_errors(false);
  re_options.set_max_mem(1 << 20);
  std::unordered_set<std::string> seen_ids;
  for (const FaqDef& def : faqs) {
    if (!seen_ids.insert(def.id).second) {
      error_ = InvalidArgumentError("question matcher: FAQ '" + def.id + "' is declared twice (" +
                                    def.where.ToString() + ")");
      return;
    }
    Index::Faq faq;
    faq.id = def.id;
    const int faq_number = static_cast<int>(index->faqs.size());
    auto add_text = [&](const std::string& text, double weight) {
      for (const std::string& term : Index::Terms(index->Tokenize(text))) {
        if (weight != kAnswerWeight) faq.match_terms.insert(term);
        double w = weight * (term.find(' ') != std::string::npos ? kBigramWeight : 1.0);
        faq.tf[term] += w;
        faq.length += w;
      }
    };
    auto add_example = [&](const std::string& text) {
      Index::ExampleDoc doc;
      doc.faq = faq_number;
      doc.text = text;
      for (std::string& term : Index::Terms(index->Tokenize(text))) {
        doc.terms.insert(std::move(term));
      }
      if (doc.terms.empty()) return;
      index->example_docs.push_back(std::move(doc));
    };
    add_text(def.title, kTitleWeight);
    add_example(def.title);
    add_text(def.answer, kAnswerWeight);
    for (const auto& k : def.match.keywords) {
      add_text(k, kKeywordWeight);
      std::vector<std::string> unigrams;
      for (const Token& t : index->Tokenize(k)) {
        if (t.content) unigrams.push_back(t.term);
      }
      if (!unigrams.empty()) faq.keywords.push_back(std::move(unigrams));
    }
    for (const auto& e : def.match.examples) {
      add_text(e, kExampleWeight);
      add_example(e);
    }
    for (const std::string& pattern : def.match.patterns) {
      auto re = std::make_unique<RE2>(pattern, re_options);
      if (!re->ok()) {
        error_ = InvalidArgumentError("question matcher: FAQ '" + def.id + "' (" +
                                      def.where.ToString() + ") has a bad pattern '" + pattern +
                                      "': " + re->error());
        return;
      }
      faq.patterns.emplace_back(std::move(re), pattern);
    }
    index->faqs.push_back(std::move(faq));
  }
  auto pattern_set = std::make_unique<RE2::Set>(re_options, RE2::UNANCHORED);
  bool set_ok = true;
  for (size_t f = 0; f < index->faqs.size() && set_ok; ++f) {
    for (size_t p = 0; p < index->faqs[f].patterns.size() && set_ok; ++p) {
      set_ok = pattern_set->Add(index->faqs[f].patterns[p].second, nullptr) >= 0;
      index->set_patterns.emplace_back(static_cast<int>(f), static_cast<int>(p));
    }
  }
  if (set_ok && !index->set_patterns.empty() && pattern_set->Compile()) {
    index->pattern_set = std::move(pattern_set);
  }

  // Inverse document frequencies over the FAQs (a FAQ is one document),
  // counted on the author-written matching text: answers are long prose whose
  // common words would otherwise shift every weight (and the calibration)
  // whenever an answer is edited. A term found only in answers counts its
  // answer occurrences.
  std::unordered_map<std::string, int> document_frequency;
  std::unordered_map<std::string, int> answer_only_frequency;
  double total_length = 0;
  for (const Index::Faq& faq : index->faqs) {
    total_length += faq.length;
    for (const std::string& term : faq.match_terms) ++document_frequency[term];
  }
  for (const Index::Faq& faq : index->faqs) {
    for (const auto& [term, tf] : faq.tf) {
      (void)tf;
      if (document_frequency.count(term) == 0) ++answer_only_frequency[term];
    }
  }
  document_frequency.insert(answer_only_frequency.begin(), answer_only_frequency.end());
  const double n = static_cast<double>(index->faqs.size());
  index->average_length = std::max(1.0, total_length / n);
  for (const auto& [term, df] : document_frequency) {
    index->idf[term] = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
  }
  for (size_t f = 0; f < index->faqs.size(); ++f) {
    for (const auto& [term, tf] : index->faqs[f].tf) {
      index->postings[term].faqs.emplace_back(static_cast<int>(f), tf);
    }
  }
  for (size_t e = 0; e < index->example_docs.size(); ++e) {
    for (const std::string& term : index->example_docs[e].terms) {
      index->postings[term].examples.push_back(static_cast<int>(e));
    }
  }
  for (auto& [term, postings] : index->postings) postings.idf = index->Idf(term, 0);
  for (Index::ExampleDoc& doc : index->example_docs) {
    double sum = 0;
    for (const std::string& term : doc.terms) {
      double w = index->Idf(term, 0);
      sum += w * w;
    }
    doc.norm = std::sqrt(sum);
    index->example_norm.push_back(doc.norm);
  }
  for (const Index::Faq& faq : index->faqs) {
    index->length_norm.push_back(1 - kBm25B + kBm25B * faq.length / index->average_length);
  }
  for (const Index::ExampleDoc& doc : index->example_docs) index->example_faq.push_back(doc.faq);
  for (Index::Faq& faq : index->faqs) {
    for (const std::vector<std::string>& keyword : faq.keywords) {
      std::vector<double>& weights = faq.keyword_weights.emplace_back();
      for (const std::string& term : keyword) weights.push_back(index->Idf(term, options_.unknown_word_idf));
    }
  }
  for (size_t f = 0, e = 0; f <= index->faqs.size(); ++f) {
    while (e < index->example_docs.size() && index->example_docs[e].faq < static_cast<int>(f)) ++e;
    index->first_example.push_back(static_cast<int>(e));
  }
  index_ = std::move(index);
}

QuestionMatcher::~QuestionMatcher() = default;

StatusOr<MatchResult> QuestionMatcher::Match(std::string_view question) const {
  if (!ok()) return FailedPreconditionError("question matcher not built: " + error_.message());
  const Index& index = *index_;
  MatchResult result;
  if (question.size() > options_.max_input_bytes) {
    question = question.substr(0, options_.max_input_bytes);
    result.truncated = true;
  }
  thread_local MatchBuffers buffers;
  // An address says "this is about an email" to the scorer; the address
  // itself is noise (mentions.h extracts it for the diagnosis). Most
  // questions have no '@', hence no address, and skip the regex and the copy.
  std::string_view text = question;
  std::string replaced;
  if (question.find('@') != std::string_view::npos) {
    replaced.assign(question);
    RE2::GlobalReplace(&replaced, index.email_address, " email ");
    text = replaced;
  }
  const bool cut = index.TokenizeQuestion(text, &buffers);
  result.truncated = result.truncated || cut;
  const std::vector<QuestionToken>& tokens = buffers.tokens;
  Index::QuestionTerms(&buffers);
  std::vector<QueryTerm>& query = buffers.query;

  // Patterns read the raw (capped) question: pasted error messages.
  const bool any_pattern = index.FindPatterns(question, &buffers);
  const std::vector<int>& pattern_hit = buffers.pattern_hit;

  const bool only_small_talk = std::all_of(tokens.begin(), tokens.end(), [](const QuestionToken& token) {
    return !token.content || IsSmallTalkWord(token.surface);
  });
  if ((query.empty() || only_small_talk) && !any_pattern) {
    result.reason = "no_content";
    return result;
  }

  // The query's unique terms in text order (the order every sum below runs
  // in, so that results do not depend on how terms are stored), their
  // weights and postings (null: a word the catalogue does not know).
  std::sort(query.begin(), query.end(), [](const QueryTerm& a, const QueryTerm& b) { return TermLess(a.term, b.term); });
  query.erase(std::unique(query.begin(), query.end(),
                          [](const QueryTerm& a, const QueryTerm& b) { return a.term == b.term; }),
              query.end());
  for (QueryTerm& q : query) {
    auto it = index.postings.find(q.term);
    if (it == index.postings.end()) {
      q.weight = options_.unknown_word_idf;
    } else {
      q.weight = it->second.idf;
      q.postings = &it->second;
    }
  }
  auto in_query = [&query](std::string_view term) {
    auto it = std::lower_bound(query.begin(), query.end(), term,
                               [](const QueryTerm& q, std::string_view t) { return TermLess(q.term, t); });
    return it != query.end() && it->term == term;
  };
  double query_norm_sq = 0;
  double bm25_ceiling = 0;
  double unigram_mass = 0;
  for (const QueryTerm& q : query) {
    const double w = q.weight;
    query_norm_sq += w * w;
    bm25_ceiling += w * (q.bigram ? kBigramWeight : 1.0);
    if (!q.bigram) unigram_mass += w;
  }
  const double query_norm = std::sqrt(std::max(query_norm_sq, 1e-9));
  bm25_ceiling = std::max(bm25_ceiling, 1e-9);

  const size_t faq_count = index.faqs.size();
  std::vector<double>& bm25 = buffers.bm25;
  std::vector<double>& dot = buffers.dot;
  std::vector<int>& touched = buffers.touched_examples;
  bm25.assign(faq_count, 0.0);
  const size_t example_count = index.example_docs.size();
  if (dot.size() < example_count) dot.resize(example_count, 0.0);
  // At most every example is reached once (a sum of positive weights is
  // never 0 again); plain pointers keep the loop free of vector bookkeeping.
  if (touched.size() < example_count) touched.resize(example_count);
  double* const dot_of = dot.data();
  int* const touched_list = touched.data();
  size_t touched_count = 0;
  for (const QueryTerm& q : query) {
    if (q.postings == nullptr) continue;
    const double w = q.weight;
    const double phrase = q.bigram ? kBigramWeight : 1.0;
    for (const auto& [f, tf] : q.postings->faqs) {
      bm25[f] += w * phrase * tf * (kBm25K1 + 1) / (tf + kBm25K1 * index.length_norm[f]);
    }
    const double idf = q.postings->idf;
    for (int e : q.postings->examples) {
      if (dot_of[e] == 0 && touched_count < example_count) touched_list[touched_count++] = e;
      dot_of[e] += w * idf;
    }
  }
  // Each FAQ's nearest example: the highest cosine, the first in catalogue
  // order among equals (the examples are visited in the order the question's
  // terms reached them). An example that shares no term with the question
  // has a dot product of 0 and could not be nearest.
  std::vector<double>& best_cosine = buffers.best_cosine;
  std::vector<int>& best_example = buffers.best_example;
  best_cosine.assign(faq_count, 0.0);
  best_example.assign(faq_count, -1);
  for (size_t t = 0; t < touched_count; ++t) {
    const int e = touched_list[t];
    const double d = dot_of[e];
    dot_of[e] = 0;  // ready for the next question
    if (d <= 0 || index.example_norm[e] <= 0) continue;
    const double cosine = d / (query_norm * index.example_norm[e]);
    const int f = index.example_faq[e];
    if (cosine > best_cosine[f] || (cosine == best_cosine[f] && best_example[f] > e)) {
      best_cosine[f] = cosine;
      best_example[f] = e;
    }
  }
  std::vector<Scored>& scored = buffers.scored;
  scored.clear();
  for (size_t f = 0; f < faq_count; ++f) {
    double score =
        kWeightBm25 * (bm25[f] / (kBm25K1 + 1) / bm25_ceiling) + kWeightExample * best_cosine[f];
    if (pattern_hit[f] >= 0) score += kPatternBonus;
    scored.push_back({static_cast<int>(f), score, best_example[f]});
  }
  // Best first; equal scores in catalogue order (as a stable sort would
  // leave them, without its buffer). Only the first few are read: the
  // ranked three and the alternatives after the top.
  const size_t read =
      std::min(scored.size(), static_cast<size_t>(std::max(3, options_.max_alternatives)) + 2);
  std::partial_sort(scored.begin(), scored.begin() + read, scored.end(), [](const Scored& a, const Scored& b) {
    return a.score > b.score || (a.score == b.score && a.faq < b.faq);
  });

  const Scored& top = scored[0];
  const Index::Faq& top_faq = index.faqs[top.faq];
  // Coverage: how much of what the question says the top FAQ knows about.
  double covered = 0;
  for (const QueryTerm& q : query) {
    if (!q.bigram && top_faq.match_terms.count(q.term) != 0) covered += q.weight;
  }
  const double coverage = unigram_mass > 0 ? covered / unigram_mass : 0;
  // Keyword match: the best share (by weight) of one keyword found in the question.
  double keyword = 0;
  for (size_t k = 0; k < top_faq.keywords.size(); ++k) {
    double have = 0, all = 0;
    for (size_t t = 0; t < top_faq.keywords[k].size(); ++t) {
      const double w = top_faq.keyword_weights[k][t];
      all += w;
      if (in_query(top_faq.keywords[k][t])) have += w;
    }
    if (all > 0) keyword = std::max(keyword, have / all);
  }
  // A matched pattern (a pasted error message) identifies the FAQ as surely
  // as a whole keyword does.
  if (pattern_hit[top.faq] >= 0) keyword = 1.0;
  auto confidence_of = [&](double score, double margin) {
    return Sigmoid(options_.calib_bias + options_.calib_score * score +
                   options_.calib_margin * margin + options_.calib_coverage * coverage +
                   options_.calib_keyword * keyword);
  };
  const double runner_up = scored.size() > 1 ? scored[1].score : 0;
  result.confidence = confidence_of(top.score, top.score - runner_up);
  result.signals = {top.score, top.score - runner_up, coverage, keyword};
  for (size_t r = 0; r < scored.size() && r < 3; ++r) {
    FaqCandidate candidate;
    candidate.faq_id = index.faqs[scored[r].faq].id;
    candidate.score = scored[r].score;
    candidate.confidence =
        r == 0 ? result.confidence : confidence_of(scored[r].score, scored[r].score - top.score);
    result.ranked.push_back(std::move(candidate));
  }

  const bool accepted = result.confidence >= options_.reject_below;
  if (accepted) {
    result.faq_id = top_faq.id;
    result.reason = "matched";
  } else {
    result.reason = "low_confidence";
    if (result.confidence >= options_.suggest_above) result.alternatives.push_back(top_faq.id);
  }
  if (top.score > 0 && (accepted || result.confidence >= options_.suggest_above)) {
    for (size_t r = 1; r < scored.size(); ++r) {
      if (static_cast<int>(result.alternatives.size()) >= options_.max_alternatives + (accepted ? 0 : 1)) break;
      if (scored[r].score < options_.alternative_ratio * top.score) break;
      result.alternatives.push_back(index.faqs[scored[r].faq].id);
    }
  }

  // Evidence for the top candidate, counted first so that it is allocated once.
  std::vector<const QuestionToken*>& word_evidence = buffers.word_evidence;
  std::vector<const QueryTerm*>& phrase_evidence = buffers.phrase_evidence;
  word_evidence.clear();
  phrase_evidence.clear();
  for (const QuestionToken& token : tokens) {
    if (!token.content || top_faq.tf.count(token.term) == 0) continue;
    // A question has few words: no set needed.
    if (std::any_of(word_evidence.begin(), word_evidence.end(),
                    [&token](const QuestionToken* t) { return t->term == token.term; })) {
      continue;
    }
    word_evidence.push_back(&token);
  }
  for (const QueryTerm& q : query) {
    if (q.bigram && top_faq.tf.count(q.term) != 0) phrase_evidence.push_back(&q);
  }
  result.evidence.reserve((pattern_hit[top.faq] >= 0 ? 1 : 0) + word_evidence.size() +
                          phrase_evidence.size() + (top.best_example >= 0 ? 1 : 0));
  if (pattern_hit[top.faq] >= 0) {
    result.evidence.push_back({MatchEvidence::Kind::kPattern,
                               top_faq.patterns[pattern_hit[top.faq]].second, "error message"});
  }
  for (const QuestionToken* token : word_evidence) {
    result.evidence.push_back({MatchEvidence::Kind::kWord, std::string(token->surface), token->Detail()});
  }
  for (const QueryTerm* q : phrase_evidence) {
    result.evidence.push_back({MatchEvidence::Kind::kPhrase, std::string(q->term), ""});
  }
  if (top.best_example >= 0) {
    result.evidence.push_back(
        {MatchEvidence::Kind::kExample, index.example_docs[top.best_example].text, "closest phrasing"});
  }
  return result;
}

}  // namespace whyd
