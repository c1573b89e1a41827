// Knowledge store benchmarks: importing a synthetic tenant, gathering the facts
// of one question at two tenant sizes (the cost must not grow with the tenant),
// and the memory a process needs to hold a 100,000-learner tenant.
//
//   build/bench/store_bench --benchmark_filter='Import|Gather|Hold'
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/time_util.h"
#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "knowledge/store.h"
#include "knowledge/store_synthetic.h"

namespace {

const std::string& TenantText(int learners) {
  static std::map<int, std::string> cache;
  auto it = cache.find(learners);
  if (it == cache.end()) {
    whyd::SyntheticOptions options;
    options.learners = learners;
    options.seed = 42;
    it = cache.emplace(learners, whyd::GenerateSyntheticTenant(options)).first;
  }
  return it->second;
}

std::string DbPath(int learners) {
  return "/tmp/whyd_store_bench_" + std::to_string(learners) + "_" + std::to_string(getpid()) + ".db";
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

// "VmRSS" or "VmHWM" of this process, in MiB.
double ProcStatusMb(const char* key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(line.find(':') + 1)) / 1024.0;
  }
  return 0;
}

void BM_Import(benchmark::State& state) {
  const int learners = static_cast<int>(state.range(0));
  const std::string& text = TenantText(learners);
  const std::string path = DbPath(learners);
  for (auto _ : state) {
    state.PauseTiming();
    RemoveDb(path);
    auto store = whyd::Store::Open(path);
    whyd::ImportOptions options;
    options.max_bytes = size_t{1} << 30;
    state.ResumeTiming();
    whyd::ImportResult result = (*store)->ImportSnapshot(text, options);
    if (!result.ok()) state.SkipWithError(result.status.ToString().c_str());
    state.counters["records"] = static_cast<double>(result.counts.total());
  }
  state.counters["json_mb"] = static_cast<double>(text.size()) / (1 << 20);
  state.counters["peak_rss_mb"] = ProcStatusMb("VmHWM");
  if (learners != 100000) RemoveDb(path);  // BM_HoldTenant reopens the 100k file, then removes it
}
BENCHMARK(BM_Import)->Arg(1000)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Memory a fresh process needs to hold the tenant: the RSS growth of opening
// the store file written by BM_Import (the view is loaded from SQLite).
void BM_HoldTenant(benchmark::State& state) {
  const int learners = static_cast<int>(state.range(0));
  const std::string path = DbPath(learners);
  for (auto _ : state) {
    malloc_trim(0);
    const double before = ProcStatusMb("VmRSS");
    auto store = whyd::Store::Open(path);
    if (!store.ok() || !(*store)->Tenant("synthetic")) {
      state.SkipWithError("run BM_Import first (same process) to write the store file");
      break;
    }
    malloc_trim(0);
    state.counters["held_rss_mb"] = ProcStatusMb("VmRSS") - before;
    state.counters["process_rss_mb"] = ProcStatusMb("VmRSS");
  }
  RemoveDb(path);
}
BENCHMARK(BM_HoldTenant)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

std::map<int, std::unique_ptr<whyd::Store>>& Stores() {
  static std::map<int, std::unique_ptr<whyd::Store>> stores;
  return stores;
}

// The same shape of subject at every tenant size, so that only the size
// differs: the first learner from the middle on who has a manager and a
// mentor, two sign-ins and two employers in the dropdown.
std::string TypicalLearner(const whyd::TenantView& view) {
  const whyd::AccountFields& F = whyd::Fields();
  const int64_t now = *whyd::ParseTimestamp("2026-11-29T10:00:00Z");
  const auto& users = view.users();
  for (size_t i = users.size() / 2; i < users.size(); ++i) {
    const whyd::Record& u = *users[i];
    if (u.get(F.u.type).as_string() != "learner" || u.get(F.u.mentor_id).kind() != whyd::Kind::kString) continue;
    whyd::FactArena arena;
    const whyd::Record* facts = whyd::BuildUserFacts(view, u, now, 1, arena);
    if (facts->get(F.u.sign_ins).as_list()->size != 2) continue;
    if (facts->get(F.u.eligible_employers).as_list()->size != 2) continue;
    return std::string(u.get(F.u.id).as_string());
  }
  return "l-0";
}

// The synthetic tenant of `learners` learners, imported on first use; null
// (and the benchmark stopped) when the import fails.
std::shared_ptr<const whyd::TenantView> ImportedTenant(benchmark::State& state, int learners) {
  auto& store = Stores()[learners];
  if (!store) {
    store = std::move(whyd::Store::Open(":memory:").value());
    whyd::ImportOptions options;
    options.max_bytes = size_t{1} << 30;
    if (!store->ImportSnapshot(TenantText(learners), options).ok()) {
      state.SkipWithError("import failed");
      store.reset();
      return nullptr;
    }
  }
  return store->Tenant("synthetic");
}

// Reads every field of `r` and of the records under it, once each.
void ReadEveryField(const whyd::Record* r, std::vector<const whyd::Record*>* seen) {
  if (r == nullptr || std::find(seen->begin(), seen->end(), r) != seen->end()) return;
  seen->push_back(r);
  for (int i = 0; i < r->type->field_count(); ++i) {
    const whyd::Value& v = r->get(i);
    if (v.kind() == whyd::Kind::kRecord) ReadEveryField(v.as_record(), seen);
    if (v.kind() == whyd::Kind::kList) {
      for (const whyd::Value& item : *v.as_list()) {
        if (item.kind() == whyd::Kind::kRecord) ReadEveryField(item.as_record(), seen);
      }
    }
  }
}

// One learner's facts. Gathering is lazy (related records and linked users
// are built when first read), so gathering alone is what every question pays;
// with `read_all` every field of every record reached is read as well, what a
// question that read all of its facts would pay.
void GatherLearnerFacts(benchmark::State& state, bool read_all) {
  auto view = ImportedTenant(state, static_cast<int>(state.range(0)));
  if (!view) return;
  const std::string subject = TypicalLearner(*view);
  whyd::FactRequest request;
  request.asker_id = "a-0";
  request.user_id = subject;
  request.now = *whyd::ParseTimestamp("2026-11-29T10:00:00Z");
  whyd::FactArena arena;
  std::vector<const whyd::Record*> seen;
  for (auto _ : state) {
    auto root = whyd::GatherFacts(*view, request, arena);
    if (!root.ok()) {
      state.SkipWithError(root.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(root);
    if (read_all) {
      seen.clear();
      ReadEveryField(*root, &seen);
    }
    arena.Reset();
  }
  if (read_all) state.counters["records"] = static_cast<double>(seen.size());
}
void BM_GatherFacts(benchmark::State& state) { GatherLearnerFacts(state, false); }
void BM_GatherAndReadAllFacts(benchmark::State& state) { GatherLearnerFacts(state, true); }
BENCHMARK(BM_GatherFacts)->Arg(1000)->Arg(100000)->Repetitions(5)->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GatherAndReadAllFacts)->Arg(1000)->Arg(100000)->Repetitions(5)->ReportAggregatesOnly(true)
    ->Unit(benchmark::kMicrosecond);

// Tenant subjects count every user: linear in the tenant, built only when asked.
void BM_GatherStats(benchmark::State& state) {
  auto view = ImportedTenant(state, static_cast<int>(state.range(0)));
  if (!view) return;
  whyd::FactRequest request;
  request.asker_id = "a-0";
  request.now = *whyd::ParseTimestamp("2026-11-29T10:00:00Z");
  request.want_stats = true;
  whyd::FactArena arena;
  for (auto _ : state) {
    auto root = whyd::GatherFacts(*view, request, arena);
    benchmark::DoNotOptimize(root);
    arena.Reset();
  }
}
BENCHMARK(BM_GatherStats)->Arg(1000)->Arg(100000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
