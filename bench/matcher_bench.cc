// Question matching latency: ordinary questions against hostile input (huge,
// binary, long made-up words, emoji, regex- and SQL-looking text), on the
// packs under rules/. The ratio of hostile to ordinary time should stay small
// because the matcher caps bytes, tokens and typo-correction work.
//
//   build/bench/matcher_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/pack_loader.h"
#include "knowledge/question_matcher.h"

namespace {

const whyd::QuestionMatcher& Matcher() {
  static const whyd::QuestionMatcher* matcher = [] {
    whyd::StatusOr<whyd::PackSet> packs = whyd::LoadPacks(WHYD_SOURCE_DIR "/rules");
    if (!packs.ok()) {
      std::fprintf(stderr, "matcher_bench: %s\n", packs.status().ToString().c_str());
      std::exit(2);
    }
    auto* m = new whyd::QuestionMatcher(packs->faqs(), packs->lexicon());
    if (!m->ok()) {
      std::fprintf(stderr, "matcher_bench: %s\n", m->error().ToString().c_str());
      std::exit(2);
    }
    return m;
  }();
  return *matcher;
}

// Ordinary questions, written for this benchmark.
const std::vector<std::string>& Ordinary() {
  static const std::vector<std::string> questions = {
      "why has my account been locked",
      "my apprentice can't sign in since friday, says password wrong",
      "how do I see which learners expire in the next 60 days",
      "csv import says Ambiguous Case Owner on row 12",
      "the manager dropdown on the learner profile doesn't show our new employer contact",
      "can we turn classic off for everybody in the organisation",
      "does cancelling a learners subscription wipe their portfolio evidence",
      "hello",
  };
  return questions;
}

std::vector<std::string> Hostile() {
  std::vector<std::string> out;
  std::string huge;
  while (huge.size() < 100 * 1024) huge += "locked account unlock learner employer ";
  out.push_back(huge);
  std::string binary;
  for (int i = 0; i < 100 * 1024; ++i) binary.push_back(static_cast<char>((i * 131) % 256));
  out.push_back(binary);
  std::string made_up;
  for (int i = 0; i < 500; ++i) made_up += std::string(18, static_cast<char>('a' + i % 26)) + "xq ";
  out.push_back(made_up);
  std::string emoji;
  for (int i = 0; i < 5000; ++i) emoji += "\xF0\x9F\x98\x80";
  out.push_back(emoji);
  std::string regexy;
  for (int i = 0; i < 2000; ++i) regexy += "(a+)+$ .*.*.* ' OR 1=1; -- ";
  out.push_back(regexy);
  return out;
}

void BM_MatchOrdinary(benchmark::State& state) {
  const auto& matcher = Matcher();
  const auto& questions = Ordinary();
  size_t i = 0;
  for (auto _ : state) {
    auto result = matcher.Match(questions[i++ % questions.size()]);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_MatchOrdinary);

// A long but ordinary question (a pasted email thread), as long as the
// matcher's input cap: the fair yardstick for the hostile inputs.
void BM_MatchLongOrdinary(benchmark::State& state) {
  const auto& matcher = Matcher();
  std::string text;
  while (text.size() < matcher.options().max_input_bytes) {
    text += "Hi, following up on the thread below: one of our apprentices still cannot sign in after "
            "we sent the activation email twice, and her line manager says it bounced. ";
  }
  for (auto _ : state) {
    auto result = matcher.Match(text);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_MatchLongOrdinary);

void BM_MatchHostile(benchmark::State& state) {
  const auto& matcher = Matcher();
  static const std::vector<std::string> questions = Hostile();
  size_t i = 0;
  for (auto _ : state) {
    auto result = matcher.Match(questions[i++ % questions.size()]);
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_MatchHostile);

void BM_BuildMatcher(benchmark::State& state) {
  whyd::StatusOr<whyd::PackSet> packs = whyd::LoadPacks(WHYD_SOURCE_DIR "/rules");
  if (!packs.ok()) {
    state.SkipWithError(packs.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    whyd::QuestionMatcher matcher(packs->faqs(), packs->lexicon());
    benchmark::DoNotOptimize(matcher.ok());
  }
}
BENCHMARK(BM_BuildMatcher)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
