// fixed_work_server: an HTTP server whose every answer costs a fixed amount of
// arithmetic, to see what tail latency a handler of that cost gets on this
// machine, apart from anything whyd's pipeline does.
//
// It answers POST /v1/tenants/{tenant}/ask (anything else too) with a 3.4 KB
// body after --work-us microseconds of arithmetic (calibrated at start on an
// undisturbed core: a fixed amount of work, not a fixed time, so a stall of the
// machine shows up as it would for a real handler). Two connection models:
//   --model epoll    whyd's transport (server/transport.h), --threads event threads
//   --model threads  cpp-httplib's own, a pool thread per keep-alive connection
// Drive it with wrk and bench/ask_rotate.lua as bench/http_bench.sh does, e.g.
//   build/bench/fixed_work_server --port 9000 --work-us 100 --model epoll &
//   WHYD_KEY=x wrk -t2 -c8 -d4s -s bench/ask_rotate.lua http://127.0.0.1:9000
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <httplib.h>

#include "server/transport.h"

namespace {

uint64_t Work(uint64_t steps, uint64_t seed) {
  for (uint64_t i = 0; i < steps; ++i) seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return seed;
}

// Steps of Work() per microsecond, from the fastest of several tries.
double StepsPerMicro() {
  const uint64_t probe = 1 << 20;
  double best_us = 1e18;
  uint64_t sink = 1;
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    sink = Work(probe, sink);
    best_us = std::min(best_us, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  return static_cast<double>(probe + sink % 2) / best_us;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  double work_us = 100;
  std::string model = "epoll";
  size_t threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--work-us") == 0) work_us = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--model") == 0) model = argv[i + 1];
    else if (std::strcmp(argv[i], "--threads") == 0) threads = std::strtoul(argv[i + 1], nullptr, 10);
    else port = -1;
  }
  if (port <= 0 || work_us < 0 || (model != "epoll" && model != "threads") || argc % 2 == 0) {
    std::fprintf(stderr, "usage: fixed_work_server --port P [--work-us U] [--model epoll|threads] [--threads N]\n");
    return 2;
  }
  const auto steps = static_cast<uint64_t>(work_us * StepsPerMicro());

  std::unique_ptr<httplib::Server> server;
  whyd::Transport* transport = nullptr;
  if (model == "epoll") {
    auto t = std::make_unique<whyd::Transport>(threads);
    transport = t.get();
    server = std::move(t);
  } else {
    server = std::make_unique<httplib::Server>();
    const size_t pool = threads > 0 ? threads : 64;
    server->new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
  }
  server->set_tcp_nodelay(true);
  server->set_keep_alive_max_count(100000);
  const std::string body(3400, 'x');
  auto answer = [&](const httplib::Request&, httplib::Response& res) {
    const uint64_t v = Work(steps, 7);
    res.set_content(body + std::to_string(v % 10), "application/json");
  };
  server->Post(".*", answer);
  server->Get(".*", answer);
  if (!server->bind_to_port("127.0.0.1", port)) {
    std::fprintf(stderr, "fixed_work_server: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("fixed_work_server: %s, %.0f us of work per answer (%llu steps), port %d\n", model.c_str(),
              work_us, static_cast<unsigned long long>(steps), port);
  std::fflush(stdout);
  if (transport != nullptr) {
    transport->WidenListenBacklog();
    return transport->Run() ? 0 : 1;
  }
  return server->listen_after_bind() ? 0 : 1;
}
