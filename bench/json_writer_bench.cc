// Serialising an answer body: nlohmann::json's dump() against DumpJson
// (server/json_writer.h), which writes the same bytes. The body is the fake
// backend's answer to an ask, about 1.5 KB, as `whyd serve` sends it.
#include <benchmark/benchmark.h>

#include "server/fake_backend.h"
#include "server/json_writer.h"

namespace {

nlohmann::json Answer() {
  whyd::FakeBackend backend;
  whyd::AskRequest request;
  request.tenant = "demo";
  request.asker = "u-1";
  request.question = "why can't I log in?";
  whyd::Reply reply = backend.Ask(request, whyd::CallContext{"bench", "key", true});
  return reply.body;
}

void BM_LibraryDump(benchmark::State& state) {
  const nlohmann::json body = Answer();
  for (auto _ : state) {
    std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    benchmark::DoNotOptimize(text);
    state.SetBytesProcessed(state.bytes_processed() + static_cast<int64_t>(text.size()));
  }
}
BENCHMARK(BM_LibraryDump);

void BM_DumpJson(benchmark::State& state) {
  const nlohmann::json body = Answer();
  for (auto _ : state) {
    std::string text = whyd::DumpJson(body);
    benchmark::DoNotOptimize(text);
    state.SetBytesProcessed(state.bytes_processed() + static_cast<int64_t>(text.size()));
  }
}
BENCHMARK(BM_DumpJson);

}  // namespace

BENCHMARK_MAIN();
