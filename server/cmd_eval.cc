// `whyd eval`: measures question matching against a labelled question file.
//
//   whyd eval --rules DIR QUESTIONS.jsonl [--json]
//       Lines are {"q": "...", "faq": "<id>" | null}. Reports top-1 accuracy and
//       top-3 recall on in-scope questions, out-of-scope recall (null answered
//       null), in-scope false rejections, the most confused pairs, a calibration
//       table and latency per question.
//   whyd eval --rules DIR --fit OUT_OF_SCOPE.txt [--json]
//       Fits the confidence calibration on the packs' own example phrasings,
//       two-fold: half of each FAQ's examples build the matcher, the other half
//       (and the out-of-scope lines, one question a line) are scored, then the
//       halves swap. Prints the fitted constants and held-out figures.
//
// Thread-safety: a command-line entry point; single-threaded.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/catalogue.h"
#include "engine/pack_loader.h"
#include "engine/status.h"
#include "knowledge/question_matcher.h"
#include "server/command.h"

namespace whyd {
namespace {

struct Catalogue {
  std::vector<FaqDef> faqs;
  std::vector<LexiconGroup> lexicon;
};

StatusOr<Catalogue> LoadCatalogue(const std::string& dir) {
  StatusOr<PackSet> packs = LoadPacks(dir);
  if (!packs.ok()) return packs.status();
  return Catalogue{packs->faqs(), packs->lexicon()};
}

struct Labelled {
  std::string question;
  std::optional<std::string> faq;
};

StatusOr<std::vector<Labelled>> ReadQuestions(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot open '" + path + "'");
  std::vector<Labelled> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      nlohmann::json j = nlohmann::json::parse(line);
      Labelled item;
      item.question = j.at("q").get<std::string>();
      if (!j.at("faq").is_null()) item.faq = j.at("faq").get<std::string>();
      out.push_back(std::move(item));
    } catch (const nlohmann::json::exception& e) {
      return InvalidArgumentError(path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  return out;
}

StatusOr<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFoundError("cannot open '" + path + "'");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  return out;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t i = static_cast<size_t>(std::min<double>(values.size() - 1, std::floor(p * values.size())));
  return values[i];
}

// One scored question, for metrics.
struct Outcome {
  std::optional<std::string> expected;
  MatchResult result;
  double micros = 0;
};

nlohmann::json Summarise(const std::vector<Outcome>& outcomes) {
  int in_scope = 0, top1 = 0, top3 = 0, false_reject = 0, oos = 0, oos_rejected = 0;
  std::map<std::pair<std::string, std::string>, int> confusions;
  constexpr int kBuckets = 5;
  int bucket_total[kBuckets] = {}, bucket_right[kBuckets] = {};
  double bucket_confidence[kBuckets] = {};
  std::vector<double> latencies;
  for (const Outcome& o : outcomes) {
    latencies.push_back(o.micros);
    const MatchResult& r = o.result;
    const std::string top = r.ranked.empty() ? "" : r.ranked[0].faq_id;
    bool right = o.expected ? (r.faq_id && *r.faq_id == *o.expected) : !r.faq_id;
    int bucket = std::min(kBuckets - 1, static_cast<int>(r.confidence * kBuckets));
    // Calibration is of the statement "the top candidate is the one asked".
    bool top_right = o.expected && top == *o.expected;
    ++bucket_total[bucket];
    bucket_right[bucket] += top_right ? 1 : 0;
    bucket_confidence[bucket] += r.confidence;
    if (o.expected) {
      ++in_scope;
      if (right) ++top1;
      if (!r.faq_id) ++false_reject;
      for (size_t i = 0; i < r.ranked.size() && i < 3; ++i) {
        if (r.ranked[i].faq_id == *o.expected) {
          ++top3;
          break;
        }
      }
      if (r.faq_id && !right) ++confusions[{*o.expected, *r.faq_id}];
    } else {
      ++oos;
      if (right) ++oos_rejected;
    }
  }
  auto ratio = [](int a, int b) { return b == 0 ? 0.0 : static_cast<double>(a) / b; };
  nlohmann::json j;
  j["questions"] = outcomes.size();
  j["in_scope"] = in_scope;
  j["out_of_scope"] = oos;
  j["top1"] = ratio(top1, in_scope);
  j["top3"] = ratio(top3, in_scope);
  j["oos_recall"] = ratio(oos_rejected, oos);
  j["false_reject"] = ratio(false_reject, in_scope);
  j["p50_us"] = Percentile(latencies, 0.5);
  j["p99_us"] = Percentile(latencies, 0.99);
  std::vector<std::pair<int, std::pair<std::string, std::string>>> sorted;
  for (const auto& [pair, count] : confusions) sorted.push_back({count, pair});
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  j["confused"] = nlohmann::json::array();
  for (size_t i = 0; i < sorted.size() && i < 8; ++i) {
    j["confused"].push_back({{"expected", sorted[i].second.first},
                             {"answered", sorted[i].second.second},
                             {"count", sorted[i].first}});
  }
  j["calibration"] = nlohmann::json::array();
  for (int b = 0; b < kBuckets; ++b) {
    j["calibration"].push_back({{"from", static_cast<double>(b) / kBuckets},
                                {"to", static_cast<double>(b + 1) / kBuckets},
                                {"count", bucket_total[b]},
                                {"mean_confidence", bucket_total[b] ? bucket_confidence[b] / bucket_total[b] : 0},
                                {"accuracy", ratio(bucket_right[b], bucket_total[b])}});
  }
  return j;
}

void PrintReport(const nlohmann::json& j) {
  std::printf("questions %d (in scope %d, out of scope %d)\n", j["questions"].get<int>(),
              j["in_scope"].get<int>(), j["out_of_scope"].get<int>());
  std::printf("top-1 accuracy      %5.1f%%\n", 100 * j["top1"].get<double>());
  std::printf("top-3 recall        %5.1f%%\n", 100 * j["top3"].get<double>());
  std::printf("out-of-scope recall %5.1f%%\n", 100 * j["oos_recall"].get<double>());
  std::printf("false rejections    %5.1f%%\n", 100 * j["false_reject"].get<double>());
  std::printf("latency p50 %.1f us, p99 %.1f us\n", j["p50_us"].get<double>(), j["p99_us"].get<double>());
  std::printf("\nmost confused (expected -> answered):\n");
  for (const auto& c : j["confused"]) {
    std::printf("  %2d  %s -> %s\n", c["count"].get<int>(), c["expected"].get<std::string>().c_str(),
                c["answered"].get<std::string>().c_str());
  }
  std::printf("\ncalibration (confidence bucket: questions, mean confidence, top candidate right):\n");
  for (const auto& b : j["calibration"]) {
    std::printf("  %.1f-%.1f  %4d  %.2f  %.2f\n", b["from"].get<double>(), b["to"].get<double>(),
                b["count"].get<int>(), b["mean_confidence"].get<double>(), b["accuracy"].get<double>());
  }
}

// Questions answered wrongly, to stderr: for looking at what the matcher
// misses (never for copying evaluation lines into packs).
void PrintMisses(const std::vector<Labelled>& questions, const std::vector<Outcome>& outcomes) {
  size_t slowest = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].micros > outcomes[slowest].micros) slowest = i;
  }
  if (!outcomes.empty()) {
    std::fprintf(stderr, "SLOWEST %.1f us: %s\n", outcomes[slowest].micros, questions[slowest].question.c_str());
  }
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const MatchResult& r = outcomes[i].result;
    const std::string expected = outcomes[i].expected.value_or("null");
    const std::string answered = r.faq_id.value_or("null");
    if (expected == answered) continue;
    std::fprintf(stderr, "MISS %.2f expected %s got %s (top %s): %s\n", r.confidence, expected.c_str(),
                 answered.c_str(), r.ranked.empty() ? "-" : r.ranked[0].faq_id.c_str(),
                 questions[i].question.c_str());
  }
}

std::vector<Outcome> Score(const QuestionMatcher& matcher, const std::vector<Labelled>& questions) {
  std::vector<Outcome> outcomes;
  for (const Labelled& item : questions) {
    auto start = std::chrono::steady_clock::now();
    StatusOr<MatchResult> result = matcher.Match(item.question);
    auto end = std::chrono::steady_clock::now();
    Outcome o;
    o.expected = item.faq;
    if (result.ok()) o.result = std::move(result).value();
    o.micros = std::chrono::duration<double, std::micro>(end - start).count();
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

// Logistic regression by gradient descent on (score, margin, coverage).
struct Fit {
  double bias, score, margin, coverage;
};
Fit FitLogistic(const std::vector<std::pair<MatchResult::Signals, bool>>& samples) {
  double w[4] = {0, 0, 0, 0};
  const double n = std::max<size_t>(1, samples.size());
  for (int iteration = 0; iteration < 20000; ++iteration) {
    double g[4] = {0, 0, 0, 0};
    for (const auto& [s, label] : samples) {
      double x[4] = {1, s.score, s.margin, s.coverage};
      double z = w[0] + w[1] * x[1] + w[2] * x[2] + w[3] * x[3];
      double err = 1 / (1 + std::exp(-z)) - (label ? 1 : 0);
      for (int k = 0; k < 4; ++k) g[k] += err * x[k];
    }
    for (int k = 0; k < 4; ++k) w[k] -= 2.0 * (g[k] / n + 1e-3 * (k ? w[k] : 0));
  }
  return {w[0], w[1], w[2], w[3]};
}

int RunFit(const Catalogue& catalogue, const std::string& oos_path, bool json) {
  StatusOr<std::vector<std::string>> oos_lines = ReadLines(oos_path);
  if (!oos_lines.ok()) {
    std::fprintf(stderr, "whyd eval: %s\n", oos_lines.status().ToString().c_str());
    return 2;
  }
  // Two folds: each FAQ's examples split alternately.
  std::vector<std::pair<MatchResult::Signals, bool>> samples;
  std::vector<Labelled> held_out_all;
  std::vector<Outcome> outcomes_all;
  std::vector<std::vector<Labelled>> fold_questions(2);
  for (int fold = 0; fold < 2; ++fold) {
    std::vector<FaqDef> faqs = catalogue.faqs;
    std::vector<Labelled> held_out;
    for (FaqDef& faq : faqs) {
      std::vector<std::string> kept;
      for (size_t i = 0; i < faq.match.examples.size(); ++i) {
        if (static_cast<int>(i % 2) == fold) {
          held_out.push_back({faq.match.examples[i], faq.id});
        } else {
          kept.push_back(faq.match.examples[i]);
        }
      }
      faq.match.examples = std::move(kept);
    }
    for (size_t i = 0; i < oos_lines->size(); ++i) {
      if (static_cast<int>(i % 2) == fold) held_out.push_back({(*oos_lines)[i], std::nullopt});
    }
    QuestionMatcher matcher(faqs, catalogue.lexicon);
    if (!matcher.ok()) {
      std::fprintf(stderr, "whyd eval: %s\n", matcher.error().ToString().c_str());
      return 2;
    }
    for (Outcome& o : Score(matcher, held_out)) {
      if (!o.result.ranked.empty()) {
        bool right = o.expected && o.result.ranked[0].faq_id == *o.expected;
        samples.push_back({o.result.signals, right});
      }
      outcomes_all.push_back(std::move(o));
    }
  }
  Fit fit = FitLogistic(samples);
  // Re-score the held-out halves with the fitted constants to report figures.
  MatcherOptions options;
  options.calib_bias = fit.bias;
  options.calib_score = fit.score;
  options.calib_margin = fit.margin;
  options.calib_coverage = fit.coverage;
  std::vector<Outcome> refit;
  for (int fold = 0; fold < 2; ++fold) {
    std::vector<FaqDef> faqs = catalogue.faqs;
    std::vector<Labelled> held_out;
    for (FaqDef& faq : faqs) {
      std::vector<std::string> kept;
      for (size_t i = 0; i < faq.match.examples.size(); ++i) {
        if (static_cast<int>(i % 2) == fold) held_out.push_back({faq.match.examples[i], faq.id});
        else kept.push_back(faq.match.examples[i]);
      }
      faq.match.examples = std::move(kept);
    }
    for (size_t i = 0; i < oos_lines->size(); ++i) {
      if (static_cast<int>(i % 2) == fold) held_out.push_back({(*oos_lines)[i], std::nullopt});
    }
    QuestionMatcher matcher(faqs, catalogue.lexicon, options);
    for (Outcome& o : Score(matcher, held_out)) refit.push_back(std::move(o));
  }
  // Reject-threshold sweep on the same held-out halves.
  nlohmann::json sweep = nlohmann::json::array();
  for (double threshold = 0.2; threshold < 0.71; threshold += 0.05) {
    int in_scope = 0, right = 0, rejected = 0, oos = 0, oos_rejected = 0;
    for (const Outcome& o : refit) {
      bool accept = o.result.faq_id.has_value() || o.result.confidence >= threshold;
      accept = accept && o.result.confidence >= threshold && !o.result.ranked.empty();
      if (o.expected) {
        ++in_scope;
        if (!accept) ++rejected;
        else if (o.result.ranked[0].faq_id == *o.expected) ++right;
      } else {
        ++oos;
        if (!accept) ++oos_rejected;
      }
    }
    sweep.push_back({{"threshold", threshold},
                     {"top1", in_scope ? static_cast<double>(right) / in_scope : 0},
                     {"false_reject", in_scope ? static_cast<double>(rejected) / in_scope : 0},
                     {"oos_recall", oos ? static_cast<double>(oos_rejected) / oos : 0}});
  }
  nlohmann::json j = Summarise(refit);
  j["sweep"] = sweep;
  j["fit"] = {{"calib_bias", fit.bias},
              {"calib_score", fit.score},
              {"calib_margin", fit.margin},
              {"calib_coverage", fit.coverage},
              {"samples", samples.size()}};
  if (json) {
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("fitted on %zu held-out phrasings: bias %.3f score %.3f margin %.3f coverage %.3f\n\n",
                samples.size(), fit.bias, fit.score, fit.margin, fit.coverage);
    PrintReport(j);
    std::printf("\nreject threshold sweep (held out): threshold top1 false_reject oos_recall\n");
    for (const auto& row : sweep) {
      std::printf("  %.2f  %.3f  %.3f  %.3f\n", row["threshold"].get<double>(), row["top1"].get<double>(),
                  row["false_reject"].get<double>(), row["oos_recall"].get<double>());
    }
  }
  return 0;
}

int RunEval(const std::vector<std::string>& args) {
  std::string rules_dir, questions_path, fit_path;
  bool json = false;
  bool misses = false;
  MatcherOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--rules" && i + 1 < args.size()) {
      rules_dir = args[++i];
    } else if (args[i] == "--fit" && i + 1 < args.size()) {
      fit_path = args[++i];
    } else if (args[i] == "--json") {
      json = true;
    } else if (args[i] == "--reject-below" && i + 1 < args.size()) {
      options.reject_below = std::atof(args[++i].c_str());
    } else if (args[i] == "--misses") {
      misses = true;
    } else if (args[i] == "--help" || args[i] == "-h") {
      std::printf("usage: whyd eval --rules DIR QUESTIONS.jsonl [--json]\n"
                  "       whyd eval --rules DIR --fit OUT_OF_SCOPE.txt [--json]\n");
      return 0;
    } else if (!args[i].empty() && args[i][0] != '-' && questions_path.empty()) {
      questions_path = args[i];
    } else {
      std::fprintf(stderr, "whyd eval: unexpected argument '%s'\n", args[i].c_str());
      return 2;
    }
  }
  if (rules_dir.empty() || (questions_path.empty() && fit_path.empty())) {
    std::fprintf(stderr, "usage: whyd eval --rules DIR QUESTIONS.jsonl [--json]\n");
    return 2;
  }
  StatusOr<Catalogue> catalogue = LoadCatalogue(rules_dir);
  if (!catalogue.ok()) {
    std::fprintf(stderr, "whyd eval: %s\n", catalogue.status().ToString().c_str());
    return 2;
  }
  if (!fit_path.empty()) return RunFit(*catalogue, fit_path, json);
  StatusOr<std::vector<Labelled>> questions = ReadQuestions(questions_path);
  if (!questions.ok()) {
    std::fprintf(stderr, "whyd eval: %s\n", questions.status().ToString().c_str());
    return 2;
  }
  QuestionMatcher matcher(catalogue->faqs, catalogue->lexicon, options);
  if (!matcher.ok()) {
    std::fprintf(stderr, "whyd eval: %s\n", matcher.error().ToString().c_str());
    return 2;
  }
  std::vector<Outcome> outcomes = Score(matcher, *questions);
  if (misses) PrintMisses(*questions, outcomes);
  nlohmann::json j = Summarise(outcomes);
  if (json) {
    std::printf("%s\n", j.dump().c_str());
  } else {
    PrintReport(j);
  }
  return 0;
}

}  // namespace
}  // namespace whyd

namespace {
using whyd::RunEval;
WHYD_COMMAND("eval", "measure question matching on a labelled question file", RunEval);
}  // namespace
