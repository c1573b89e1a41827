// The CPU cost of one ask answer, in process: what `POST /v1/tenants/demo/ask`
// does between reading the request body and writing the response body, minus
// the transport. The backend is built the way `whyd serve --demo` builds it
// (the packs under rules/, the demo tenant in an in-memory store, the clock
// fixed at the snapshot's as_of), and each iteration answers the next of the
// 48 asks of bench/ask_rotate.lua with WHYD_USERS=demo (6 questions x 8
// asker/subject pairs of the demo cast): read the body (ParsePlainAskBody),
// DiagnosisBackend::Ask, and take the answer's text (or serialise a tree
// body with DumpJson), as HttpService::HandleAsk does.
//
//   build/bench/answer_bench --benchmark_min_time=2
//
// BM_Match times the question-matching step alone on the same six questions.
// `answer_bench --dump` prints the 48 response bodies instead, one per line, so
// that a change can be checked to leave every byte of every answer alone.
// `answer_bench --rounds N` answers the rotation N times and prints nothing:
// a fixed amount of work for callgrind or perf, e.g.
//
//   valgrind --tool=callgrind --toggle-collect='*AnswerOne*'
//       build/bench/answer_bench --rounds 10
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "knowledge/store.h"
#include "server/ask_body.h"
#include "server/diagnosis_backend.h"
#include "server/json_writer.h"
#include "server/rulebook.h"

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "answer_bench: %s\n", what.c_str());
  std::exit(2);
}

// The store, the rulebook and the backend of `whyd serve --demo`.
struct DemoService {
  std::unique_ptr<whyd::Store> store;
  std::shared_ptr<const whyd::Rulebook> rules;
  std::unique_ptr<whyd::DiagnosisBackend> backend;
};

const DemoService& Service() {
  static const DemoService* service = [] {
    auto* s = new DemoService;
    whyd::StatusOr<std::shared_ptr<const whyd::Rulebook>> rules = whyd::Rulebook::Load(WHYD_SOURCE_DIR "/rules");
    if (!rules.ok()) Die(rules.status().ToString());
    s->rules = std::move(*rules);
    whyd::StatusOr<std::unique_ptr<whyd::Store>> store = whyd::Store::Open(":memory:");
    if (!store.ok()) Die(store.status().ToString());
    s->store = std::move(*store);
    std::ifstream in(WHYD_SOURCE_DIR "/examples/demo-tenant.json", std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    whyd::ImportResult imported = s->store->ImportSnapshot(text.str());
    if (!imported.ok()) Die("demo tenant: " + imported.status.message());
    const int64_t as_of = s->store->Tenant("demo")->as_of();
    s->backend = std::make_unique<whyd::DiagnosisBackend>(*s->store, WHYD_SOURCE_DIR "/rules", s->rules,
                                                          /*demo=*/true, [as_of] { return as_of; });
    return s;
  }();
  return *service;
}

const std::vector<std::string>& Questions() {
  static const std::vector<std::string> questions = {
      "why can't jamie log in?",
      "why is the account locked?",
      "the activation email never arrived",
      "I cannot sign in since this morning",
      "why can't I log in after changing my password",
      "account locked after too many attempts",
  };
  return questions;
}

// The request bodies of bench/ask_rotate.lua with WHYD_USERS=demo, in its order.
const std::vector<std::string>& Bodies() {
  static const std::vector<std::string> bodies = [] {
    struct Pair {
      const char* asker;
      const char* subject;  // nullptr: none
    };
    static constexpr Pair kPairs[] = {
        {"u-jamie", nullptr}, {"u-adam", "u-jamie"}, {"u-adam", "u-liam"}, {"u-sara", "u-pete"},
        {"u-mark", "u-jamie"}, {"u-adam", "u-mia"},   {"u-sara", "u-lola"}, {"u-adam", "u-priya"},
    };
    std::vector<std::string> out;
    for (const std::string& q : Questions()) {
      for (const Pair& p : kPairs) {
        std::string body = std::string(R"({"asker":")") + p.asker + R"(","question":")" + q + '"';
        if (p.subject != nullptr) body += std::string(R"(,"subject":{"user":")") + p.subject + "\"}";
        out.push_back(body + "}");
      }
    }
    return out;
  }();
  return bodies;
}

// One ask as the HTTP route answers it; returns the response body.
// Not inlined, so that callgrind can count exactly this (--toggle-collect).
[[gnu::noinline]] std::string AnswerOne(whyd::Backend& backend, const std::string& body) {
  static const whyd::CallContext context{"bench", "demo", true};
  std::optional<whyd::AskRequest> request = whyd::ParsePlainAskBody(body);
  if (!request) Die("not an ordinary ask: " + body);
  request->tenant = "demo";
  whyd::Reply reply = backend.Ask(*request, context);
  if (!reply.ok()) Die("ask failed: " + body + ": " + reply.status.ToString());
  if (!reply.body_text.empty()) return std::move(reply.body_text);
  return whyd::DumpJson(reply.body);
}

void BM_Answer(benchmark::State& state) {
  whyd::Backend& backend = *Service().backend;
  const std::vector<std::string>& bodies = Bodies();
  size_t i = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    std::string response = AnswerOne(backend, bodies[i++ % bodies.size()]);
    bytes += response.size();
    benchmark::DoNotOptimize(response);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Answer);

void BM_Match(benchmark::State& state) {
  const whyd::Rulebook& rules = *Service().rules;
  const std::vector<std::string>& questions = Questions();
  size_t i = 0;
  for (auto _ : state) {
    whyd::MatchOutcome match = rules.Match(questions[i++ % questions.size()]);
    benchmark::DoNotOptimize(match);
  }
}
BENCHMARK(BM_Match);

}  // namespace

int main(int argc, char** argv) {
  whyd::Backend& backend = *Service().backend;
  if (argc == 2 && std::strcmp(argv[1], "--dump") == 0) {
    for (const std::string& body : Bodies()) std::printf("%s\n", AnswerOne(backend, body).c_str());
    return 0;
  }
  if (argc == 3 && std::strcmp(argv[1], "--rounds") == 0) {
    const int rounds = std::atoi(argv[2]);
    for (int r = 0; r < rounds; ++r) {
      for (const std::string& body : Bodies()) benchmark::DoNotOptimize(AnswerOne(backend, body));
    }
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
