// cpu_jitter: how steadily this machine runs a fixed piece of work, as a floor
// under any tail latency measured on it.
//
// One thread repeats the same arithmetic (calibrated to take about --work-us
// on an undisturbed core) for --seconds and reports percentiles of how long
// each repetition took in wall time. The work touches no memory and makes no
// system call, so any spread comes from outside the program: other processes,
// interrupts, or the hypervisor taking the virtual CPU away. bench/http_bench.sh
// runs it first, so that an HTTP p99 can be read against what the machine
// itself did meanwhile.
//
//   build/bench/cpu_jitter [--seconds S] [--work-us U]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// A dependent multiply-add chain the compiler cannot shorten.
uint64_t Work(uint64_t steps, uint64_t seed) {
  for (uint64_t i = 0; i < steps; ++i) seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return seed;
}

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  double work_us = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--work-us") == 0) work_us = std::atof(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: cpu_jitter [--seconds S] [--work-us U]\n");
      return 2;
    }
  }
  if (seconds <= 0 || work_us <= 0) {
    std::fprintf(stderr, "cpu_jitter: --seconds and --work-us want positive numbers\n");
    return 2;
  }

  // Calibrate on the fastest of several tries: the undisturbed speed.
  uint64_t sink = 1;
  const uint64_t probe = 1 << 20;
  double best_us = 1e18;
  for (int i = 0; i < 20; ++i) {
    const Clock::time_point t0 = Clock::now();
    sink = Work(probe, sink);
    best_us = std::min(best_us, Micros(Clock::now() - t0));
  }
  const auto steps = static_cast<uint64_t>(static_cast<double>(probe) * work_us / best_us);

  std::vector<double> took;
  const Clock::time_point end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(seconds));
  while (Clock::now() < end) {
    const Clock::time_point t0 = Clock::now();
    sink = Work(steps, sink);
    took.push_back(Micros(Clock::now() - t0));
  }
  std::sort(took.begin(), took.end());
  auto at = [&](double q) { return took[std::min(took.size() - 1, static_cast<size_t>(q * took.size()))]; };
  const auto over = [&](double factor) {
    return static_cast<size_t>(took.end() - std::upper_bound(took.begin(), took.end(), factor * at(0.5)));
  };
  std::printf("cpu jitter: %zu runs of %.0f us of work in %.0f s: p50 %.0f us, p99 %.0f us, p99.9 %.0f us, "
              "max %.0f us; %zu over 5x the median (checksum %llu)\n",
              took.size(), work_us, seconds, at(0.5), at(0.99), at(0.999), took.back(), over(5),
              static_cast<unsigned long long>(sink % 10));
  return 0;
}
