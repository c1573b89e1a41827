// The connection handling of server/transport.h, over raw sockets where the
// behaviour is about bytes and timing: many keep-alive clients on few threads,
// clients that send slowly or stall, pipelining, large, chunked and
// "Expect: 100-continue" bodies, slow routes on threads of their own, the
// keep-alive and read timeouts, and draining.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <httplib.h>

#include "server/transport.h"

namespace whyd::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The kernel's struct sched_attr, which glibc 2.36 does not declare.
struct SchedAttr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
};

// The scheduler slice this thread asked for (sched_attr.sched_runtime), or 0
// when the kernel does not say.
uint64_t SliceOfThisThread() {
  SchedAttr attr{};
  attr.size = sizeof attr;
  if (::syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) return 0;
  return attr.runtime;
}

// The routes of the test transports, one router for both ways a request is
// answered (httplib's catch-all routes, or the transport's direct handler):
//   GET  /hello        "hello"
//   POST /echo         the body back (also PUT, PATCH, DELETE), with
//                      X-Method; Content-Type from the request's X-Type, or
//                      none set (so that the default shows)
//   POST /size         the body's length
//   POST /slow         "slow", after 600 ms (a slow route: own thread)
//   POST /busy         "busy", after 600 ms (not a slow route: event thread)
//   GET  /headers      the request headers the handler saw, one per line
//   GET  /problem      422, a problem body and an extra header
//   GET  /empty        204 with no body
//   GET  /mixed        headers that sort among those the transport adds, in
//                      any case, some under the same names ("/mixed/empty":
//                      the same with no body)
//   GET  /slice        SliceOfThisThread() of the thread that answered
//   anything else      404 "no such route"
void Route(const httplib::Request& req, httplib::Response& res) {
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (get && req.path == "/hello") {
    res.set_content("hello", "text/plain");
  } else if (req.path == "/echo" && !get) {
    res.status = 200;
    res.body = req.body;
    res.set_header("X-Method", req.method);
    if (req.has_header("X-Type")) res.set_header("Content-Type", req.get_header_value("X-Type"));
  } else if (req.method == "POST" && req.path == "/size") {
    res.set_content(std::to_string(req.body.size()), "text/plain");
  } else if (req.method == "POST" && (req.path == "/slow" || req.path == "/busy")) {
    std::this_thread::sleep_for(milliseconds(600));
    res.set_content(req.path.substr(1), "text/plain");
  } else if (get && req.path == "/headers") {
    std::string out;
    for (const auto& [name, value] : req.headers) {
      // httplib adds these for the two ends; the direct path does not
      // (nothing in whyd reads them).
      if (name.rfind("REMOTE_", 0) != 0 && name.rfind("LOCAL_", 0) != 0) out += name + "=" + value + "\n";
    }
    res.set_content(out, "text/plain");
  } else if (get && req.path == "/problem") {
    res.status = 422;
    res.set_content("{\"title\":\"no\"}", "application/problem+json");
    res.set_header("X-Extra", "yes");
  } else if (get && req.path == "/empty") {
    res.status = 204;
  } else if (get && (req.path == "/mixed" || req.path == "/mixed/empty")) {
    if (req.path == "/mixed") res.body = "mixed";
    res.set_header("zeta", "last");
    res.set_header("content-language", "en");    // before Content-Length
    res.set_header("CONTENT-LENGTH", "5");       // the transport adds its own after it
    res.set_header("Accept-Ranges", "none");     // the transport adds none for HEAD
    res.set_header("Age", "1");
    res.set_header("keep-alive", "from-handler");  // the transport's follows it
    res.set_header("Content-TYPE", "text/x-mixed");
  } else if (get && req.path == "/slice") {
    res.set_content(std::to_string(SliceOfThisThread()), "text/plain");
  } else {
    res.status = 404;
    res.set_content("no such route", "text/plain");
  }
}

// A Transport on an ephemeral loopback port serving Route(). With `direct`,
// plain requests go to Route() through the direct handler (counted), the rest
// through httplib.
class TransportFixture {
 public:
  explicit TransportFixture(size_t event_threads, int read_timeout_s = 5, int keep_alive_s = 5,
                            bool direct = false, size_t keep_alive_max = 100000)
      : transport_(event_threads) {
    transport_.set_tcp_nodelay(true);
    transport_.set_read_timeout(read_timeout_s, 0);
    transport_.set_keep_alive_timeout(keep_alive_s);
    transport_.set_keep_alive_max_count(keep_alive_max);
    transport_.set_payload_max_length(64 << 20);
    transport_.set_slow_route_predicate(
        [](std::string_view method, std::string_view path) { return method == "POST" && path == "/slow"; });
    transport_.Get(".*", Route);
    transport_.Post(".*", Route);
    transport_.Put(".*", Route);
    transport_.Patch(".*", Route);
    transport_.Delete(".*", Route);
    transport_.Options(".*", Route);
    if (direct) {
      transport_.set_direct_handler([this](const httplib::Request& req,
                                           std::span<const Transport::HeaderView> headers,
                                           httplib::Response& res) {
        ++direct_count_;
        // The direct path hands over the header lines instead of filling
        // req.headers; fill them as httplib would, for Route() to read.
        // (Counted, not CHECKed: Catch's assertions are not thread-safe.)
        if (!req.headers.empty()) ++direct_with_filled_headers_;
        httplib::Request with_headers = req;
        for (const Transport::HeaderView& h : headers) with_headers.headers.emplace(h.name, h.value);
        Route(with_headers, res);
      });
    }
    port_ = transport_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    REQUIRE(transport_.WidenListenBacklog());
    thread_ = std::thread([this] { run_ok_ = transport_.Run(); });
  }
  ~TransportFixture() { Stop(); }

  void Stop() {
    if (!thread_.joinable()) return;
    transport_.Drain();
    thread_.join();
  }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    client.set_keep_alive(true);
    return client;
  }

  int port() const { return port_; }
  Transport& transport() { return transport_; }
  bool run_ok() const { return run_ok_; }
  // Requests answered through the direct handler.
  size_t direct_count() const { return direct_count_; }
  // Of those, requests that came with httplib's header map filled (none should).
  size_t direct_with_filled_headers() const { return direct_with_filled_headers_; }

 private:
  Transport transport_;
  std::atomic<size_t> direct_count_{0};
  std::atomic<size_t> direct_with_filled_headers_{0};
  int port_ = -1;
  std::thread thread_;
  std::atomic<bool> run_ok_{false};
};

// A plain TCP client, for what httplib's client will not send.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // No Catch assertion here: client threads make RawClients too. A failed
    // connect shows as a failed Send or an empty read.
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  bool connected() const { return connected_; }
  ~RawClient() { ::close(fd_); }
  int fd() const { return fd_; }

  void Send(const std::string& bytes) {
    REQUIRE(connected_);
    REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }

  // Reads until `count` complete responses (by Content-Length) have arrived,
  // the peer closes, or `limit` passes. Returns the bytes read.
  std::string ReadResponses(size_t count, milliseconds limit = milliseconds(5000)) {
    std::string got;
    const auto deadline = Clock::now() + limit;
    while (Responses(got) < count && Clock::now() < deadline) {
      if (!ReadSome(&got, deadline)) break;
    }
    return got;
  }

  // True when the server closes the connection before `limit` passes.
  bool ClosedWithin(milliseconds limit) {
    std::string ignored;
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (!ReadSome(&ignored, deadline)) return Clock::now() < deadline;
    }
    return false;
  }

  static size_t Responses(const std::string& bytes) {
    size_t count = 0;
    size_t at = 0;
    for (;;) {
      const size_t head_end = bytes.find("\r\n\r\n", at);
      if (head_end == std::string::npos) return count;
      const size_t length_at = bytes.find("Content-Length: ", at);
      size_t length = 0;
      if (length_at != std::string::npos && length_at < head_end) {
        length = std::stoul(bytes.substr(length_at + 16));
      }
      if (bytes.size() < head_end + 4 + length) return count;
      at = head_end + 4 + length;
      ++count;
    }
  }

 private:
  // False on EOF, error or timeout.
  bool ReadSome(std::string* out, Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    pollfd p{fd_, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    out->append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
};

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

TEST_CASE("a default transport answers on one event thread per core, at least two") {
  Transport transport(0);
  CHECK(transport.event_threads() >= 2);
  CHECK(Transport(3).event_threads() == 3);
}

TEST_CASE("64 keep-alive clients on two event threads are all answered, repeatedly") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(2, 5, 5, direct);
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < 64; ++i) clients.push_back(std::make_unique<httplib::Client>(server.Client()));
  for (int round = 0; round < 3; ++round) {
    for (auto& client : clients) {
      auto r = client->Get("/hello");
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "hello");
    }
  }
}

TEST_CASE("a client that stalls mid-request holds no event thread, and is closed at the read timeout") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(1, 1, 5, direct);
  RawClient stalled(server.port());
  stalled.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  std::this_thread::sleep_for(milliseconds(50));

  const auto before = Clock::now();
  auto r = server.Client().Get("/hello");
  REQUIRE(r);
  CHECK(r->body == "hello");
  CHECK(Clock::now() - before < milliseconds(900));  // not behind the stalled one

  // The half-sent request is given up on after the read timeout (1 s), give or
  // take a sweep; it is never answered.
  CHECK(stalled.ClosedWithin(milliseconds(3000)));
}

TEST_CASE("the read timeout runs from the first byte of each request, not of the connection's first") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(1, 1, 5, direct);
  RawClient client(server.port());
  // The first request arrives over 0.6 s, and the start of a second comes
  // with its last bytes; the second then takes another 0.6 s. Each is well
  // inside 1 s, though together they are not.
  client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfi");
  std::this_thread::sleep_for(milliseconds(600));
  client.Send("rstPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nse");
  std::this_thread::sleep_for(milliseconds(600));
  client.Send("cond");
  const std::string got = client.ReadResponses(2);
  CHECK(RawClient::Responses(got) == 2);
  CHECK(got.find("first") != std::string::npos);
  CHECK(got.find("second") != std::string::npos);
}

TEST_CASE("a request sent a byte at a time is answered once complete") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(1, 5, 5, direct);
  RawClient client(server.port());
  const std::string request = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  for (char c : request) {
    client.Send(std::string(1, c));
    std::this_thread::sleep_for(milliseconds(1));
  }
  const std::string got = client.ReadResponses(1);
  CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(got.substr(got.size() - 5) == "hello");
}

TEST_CASE("pipelined requests are answered in order") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(2, 5, 5, direct);
  RawClient client(server.port());
  std::string requests;
  for (int i = 0; i < 5; ++i) {
    const std::string body = "request-" + std::to_string(i);
    requests += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  client.Send(requests);
  const std::string got = client.ReadResponses(5);
  REQUIRE(RawClient::Responses(got) == 5);
  size_t at = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t next = got.find("request-" + std::to_string(i), at);
    REQUIRE(next != std::string::npos);
    at = next;
  }
}

TEST_CASE("a POST with neither Content-Length nor Transfer-Encoding has an empty body") {
  // RFC 9112 6.3; httplib 0.11 alone answers it with 400 ("curl -X POST" with
  // no data sends such a request).
  const bool direct = GENERATE(false, true);
  TransportFixture server(2, 5, 5, direct);
  SECTION("on an event thread") {
    RawClient client(server.port());
    client.Send("POST /size HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string got = client.ReadResponses(2);
    REQUIRE(RawClient::Responses(got) == 2);
    CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(got.find("\r\n\r\n0HTTP/1.1 200 OK") != std::string::npos);  // the size, then the next answer
    CHECK(got.substr(got.size() - 5) == "hello");
  }
  SECTION("on a thread of its own (a slow route), with only a request line") {
    RawClient client(server.port());
    client.Send("POST /slow HTTP/1.1\r\n\r\n");
    const std::string got = client.ReadResponses(1);
    CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(got.substr(got.size() - 4) == "slow");
  }
}

TEST_CASE("a request head ending in bare line feeds is answered, not left waiting") {
  // httplib refuses such a request line; what matters here is that the
  // transport sees the head as complete and hands it over.
  const bool direct = GENERATE(false, true);
  TransportFixture server(1, 5, 5, direct);
  RawClient client(server.port());
  client.Send("GET /hello HTTP/1.1\nHost: x\n\n");
  const std::string got = client.ReadResponses(1, milliseconds(2000));
  CHECK(got.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
}

TEST_CASE("large, chunked and 100-continue bodies arrive whole") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(2, 5, 5, direct);
  SECTION("a 3 MiB body") {
    const std::string body(3 << 20, 'x');
    auto r = server.Client().Post("/size", body, "text/plain");
    REQUIRE(r);
    CHECK(r->body == std::to_string(body.size()));
  }
  SECTION("a chunked body") {
    RawClient client(server.port());
    client.Send(
        "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    const std::string got = client.ReadResponses(1);
    CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(got.substr(got.size() - 11) == "hello world");
  }
  SECTION("a body sent only after 100 Continue") {
    RawClient client(server.port());
    client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    const std::string interim = client.ReadResponses(1);  // the interim response
    REQUIRE(interim.find("HTTP/1.1 100 Continue") != std::string::npos);
    client.Send("hello");
    const std::string got = client.ReadResponses(1);
    CHECK(got.find("HTTP/1.1 200 OK") != std::string::npos);
    CHECK(got.substr(got.size() - 5) == "hello");
  }
  SECTION("keep-alive continues after a large body") {
    httplib::Client client = server.Client();
    auto big = client.Post("/size", std::string(200000, 'y'), "text/plain");
    REQUIRE(big);
    CHECK(big->body == "200000");
    auto small = client.Post("/echo", "after", "text/plain");
    REQUIRE(small);
    CHECK(small->body == "after");
  }
}

TEST_CASE("a slow route runs on a thread of its own, and other requests wait only for a free event thread") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(1, 5, 5, direct);
  // Catch's assertions are for this thread only: the client threads report back.
  SECTION("slow route: the one event thread stays free") {
    std::string slow_body;
    std::thread slow([&] {
      if (auto r = server.Client().Post("/slow", "", "text/plain")) slow_body = r->body;
    });
    std::this_thread::sleep_for(milliseconds(100));
    const auto before = Clock::now();
    auto r = server.Client().Get("/hello");
    const auto took = Clock::now() - before;
    slow.join();
    REQUIRE(r);
    CHECK(took < milliseconds(400));
    CHECK(slow_body == "slow");
  }
  SECTION("a long handler not named slow does hold its event thread (the control)") {
    std::string busy_body;
    std::thread busy([&] {
      if (auto r = server.Client().Post("/busy", "", "text/plain")) busy_body = r->body;
    });
    std::this_thread::sleep_for(milliseconds(100));
    const auto before = Clock::now();
    auto r = server.Client().Get("/hello");
    const auto took = Clock::now() - before;
    busy.join();
    REQUIRE(r);
    CHECK(took >= milliseconds(300));
    CHECK(busy_body == "busy");
  }
}

TEST_CASE("an idle keep-alive connection is closed after the keep-alive timeout") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(2, 5, 1, direct);
  RawClient client(server.port());
  client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(RawClient::Responses(client.ReadResponses(1)) == 1);
  const auto before = Clock::now();
  CHECK(client.ClosedWithin(milliseconds(3000)));
  CHECK(Clock::now() - before >= milliseconds(900));
}

TEST_CASE("a client that disconnects mid-request or mid-body leaves the server serving") {
  const bool direct = GENERATE(false, true);
  TransportFixture server(1, 5, 5, direct);
  for (int i = 0; i < 20; ++i) {
    RawClient gone(server.port());
    gone.Send(i % 2 == 0 ? "POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc" : "GET /hel");
  }
  auto r = server.Client().Get("/hello");
  REQUIRE(r);
  CHECK(r->body == "hello");
}

TEST_CASE("clients mixing pipelining, partial sends, large bodies and hang-ups all get the right answers") {
  // Four client threads, each over its own connections with a fixed seed, so
  // that a failure reproduces; every complete request must get its own body
  // back, in order, whatever the others do meanwhile.
  const bool direct = GENERATE(false, true);
  TransportFixture server(2, 5, 5, direct);
  std::atomic<int> wrong{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      for (int round = 0; round < 15; ++round) {
        RawClient client(server.port());
        if (!client.connected()) {
          ++wrong;
          continue;
        }
        const int requests = 1 + static_cast<int>(rng() % 4);
        std::string bytes;
        std::vector<std::string> bodies;
        for (int i = 0; i < requests; ++i) {
          const size_t size = rng() % 5 == 0 ? 100000 + rng() % 100000 : rng() % 200;
          std::string body(size, static_cast<char>('a' + rng() % 26));
          // Marks each body as this request's (built by append: GCC 12 warns
          // wrongly about operator+ chains here).
          body.append("#").append(std::to_string(t)).append(".").append(std::to_string(round));
          body.append(".").append(std::to_string(i));
          bytes += "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body;
          bodies.push_back(std::move(body));
        }
        // Sent in random pieces with pauses between some of them.
        for (size_t at = 0; at < bytes.size();) {
          const size_t piece = std::min(bytes.size() - at, static_cast<size_t>(1 + rng() % 70000));
          if (::send(client.fd(), bytes.data() + at, piece, MSG_NOSIGNAL) != static_cast<ssize_t>(piece)) break;
          at += piece;
          if (rng() % 3 == 0) std::this_thread::sleep_for(milliseconds(rng() % 3));
        }
        if (rng() % 5 == 0) continue;  // hang up without reading the answers
        const std::string got = client.ReadResponses(bodies.size());
        size_t at = 0;
        for (const std::string& body : bodies) {
          const size_t found = got.find(body, at);
          if (found == std::string::npos) {
            ++wrong;
            break;
          }
          at = found + body.size();
          ++answered;
        }
      }
    });
  }
  for (std::thread& c : clients) c.join();
  CHECK(wrong == 0);
  CHECK(answered > 100);
  auto r = server.Client().Get("/hello");
  REQUIRE(r);
  CHECK(r->body == "hello");
}

TEST_CASE("draining closes idle connections at once and answers what was already read") {
  const bool direct = GENERATE(false, true);
  auto server = std::make_unique<TransportFixture>(2, 5, 5, direct);
  RawClient idle(server->port());
  idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(RawClient::Responses(idle.ReadResponses(1)) == 1);

  RawClient busy(server->port());
  busy.Send("POST /busy HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  std::this_thread::sleep_for(milliseconds(100));

  const auto before = Clock::now();
  std::thread stopper([&] { server->Stop(); });
  CHECK(idle.ClosedWithin(milliseconds(300)));
  const std::string answer = busy.ReadResponses(1);
  CHECK(answer.find("HTTP/1.1 200 OK") != std::string::npos);
  CHECK(Count(answer, "Connection: close") == 1);
  stopper.join();
  CHECK(Clock::now() - before < milliseconds(3000));  // hang guard
  CHECK(server->run_ok());
  CHECK(Count(answer, "busy") == 1);
}

// The direct path must answer exactly as httplib does: the same request to a
// transport without a direct handler and to one with it gives the same bytes.
TEST_CASE("a plain request answered directly gets the bytes httplib would have sent") {
  TransportFixture through_httplib(1, 5, 5, /*direct=*/false, /*keep_alive_max=*/3);
  TransportFixture direct(1, 5, 5, /*direct=*/true, /*keep_alive_max=*/3);
  struct Case {
    const char* what;
    std::string request;
    bool plain;  // expected to take the direct path
  };
  const std::string h = "Host: x\r\n";
  const std::vector<Case> cases = {
      {"GET", "GET /hello HTTP/1.1\r\n" + h + "\r\n", true},
      {"HEAD", "HEAD /hello HTTP/1.1\r\n" + h + "\r\n", true},
      {"POST with a body", "POST /echo HTTP/1.1\r\n" + h + "X-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}", true},
      {"POST, no Content-Type set by the handler", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 3\r\n\r\nabc", true},
      {"POST, empty body", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 0\r\n\r\n", true},
      {"PUT", "PUT /echo HTTP/1.1\r\n" + h + "Content-Length: 2\r\n\r\nhi", true},
      {"PATCH", "PATCH /echo HTTP/1.1\r\n" + h + "Content-Length: 2\r\n\r\nhi", true},
      {"DELETE with a body", "DELETE /echo HTTP/1.1\r\n" + h + "Content-Length: 2\r\n\r\nhi", true},
      {"DELETE without one", "DELETE /echo HTTP/1.1\r\n" + h + "\r\n", true},
      {"OPTIONS", "OPTIONS /hello HTTP/1.1\r\n" + h + "\r\n", true},
      {"a 422 with a header of its own", "GET /problem HTTP/1.1\r\n" + h + "\r\n", true},
      {"a 204 with no body", "GET /empty HTTP/1.1\r\n" + h + "\r\n", true},
      {"HEAD of a 204", "HEAD /empty HTTP/1.1\r\n" + h + "\r\n", true},
      {"an unknown path", "GET /nowhere/at.all HTTP/1.1\r\n" + h + "\r\n", true},
      {"handler headers among the added ones", "GET /mixed HTTP/1.1\r\n" + h + "\r\n", true},
      {"HEAD, handler headers among the added ones", "HEAD /mixed HTTP/1.1\r\n" + h + "\r\n", true},
      {"handler headers, no body", "GET /mixed/empty HTTP/1.1\r\n" + h + "\r\n", true},
      {"HEAD, handler headers, no body", "HEAD /mixed/empty HTTP/1.1\r\n" + h + "\r\n", true},
      {"the headers the handler sees",
       "GET /headers HTTP/1.1\r\n" + h + "Authorization: Bearer abc.def\r\nX-Two: a\r\nx-two:  b \t\r\nX-Empty-Looking: -\r\n\r\n", true},
      // These leave the direct path; both transports answer through httplib.
      {"a query", "GET /hello?x=1 HTTP/1.1\r\n" + h + "\r\n", false},
      {"a percent escape", "GET /hel%6co HTTP/1.1\r\n" + h + "\r\n", false},
      {"a header value with '%'", "GET /headers HTTP/1.1\r\n" + h + "X-Pct: 100%25\r\n\r\n", false},
      {"Accept-Encoding", "GET /hello HTTP/1.1\r\n" + h + "Accept-Encoding: identity\r\n\r\n", false},
      {"Range", "GET /hello HTTP/1.1\r\n" + h + "Range: bytes=0-1\r\n\r\n", false},
      {"Connection: close", "GET /hello HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n", false},
      {"HTTP/1.0", "GET /hello HTTP/1.0\r\n" + h + "\r\n", false},
      {"bare line feeds", "GET /hello HTTP/1.1\n" + std::string("Host: x\n\n"), false},
      {"a header line without a colon", "GET /hello HTTP/1.1\r\n" + h + "Nonsense\r\n\r\n", false},
      {"a space before the colon", "GET /headers HTTP/1.1\r\n" + h + "X-Odd : 1\r\n\r\n", false},
      {"a malformed length", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 3x\r\n\r\n", false},
      {"two lengths", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nhi", false},
      {"a GET with a body", "GET /hello HTTP/1.1\r\n" + h + "Content-Length: 2\r\n\r\nhi", false},
      {"an unknown method", "BREW /hello HTTP/1.1\r\n" + h + "\r\n", false},
      {"33 header lines", "GET /headers HTTP/1.1\r\n" + h + [] {
         std::string lines;
         for (int i = 0; i < 32; ++i) lines += "X-H" + std::to_string(i) + ": v\r\n";
         return lines;
       }() + "\r\n", false},
      {"32 header lines", "GET /headers HTTP/1.1\r\n" + h + [] {
         std::string lines;
         for (int i = 0; i < 31; ++i) lines += "X-H" + std::to_string(i) + ": v\r\n";
         return lines;
       }() + "\r\n", true},
      {"a header line over 2 KiB", "GET /headers HTTP/1.1\r\n" + h + "X-Long: " + std::string(3000, 'v') + "\r\n\r\n", false},
  };
  auto answer = [](int port, const std::string& request) {
    RawClient client(port);
    client.Send(request);
    // Read until the server closes or goes quiet: every case is one request,
    // except "a GET with a body", whose body httplib reads as a second one.
    std::string got = client.ReadResponses(2, milliseconds(300));
    return got;
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const size_t before = direct.direct_count();
    const std::string expected = answer(through_httplib.port(), c.request);
    const std::string got = answer(direct.port(), c.request);
    // httplib sends nothing back for a malformed length: it closes.
    if (std::string(c.what) != "a malformed length") CHECK(!expected.empty());
    CHECK(got == expected);
    CHECK(direct.direct_count() - before == (c.plain ? 1u : 0u));
  }
  CHECK(through_httplib.direct_count() == 0);
  CHECK(direct.direct_with_filled_headers() == 0);

  SECTION("the last request a connection may make is answered with Connection: close") {
    const std::string three = "GET /hello HTTP/1.1\r\n" + h + "\r\n";
    RawClient a(through_httplib.port()), b(direct.port());
    a.Send(three + three + three);
    b.Send(three + three + three);
    const std::string expected = a.ReadResponses(3);
    const std::string got = b.ReadResponses(3);
    CHECK(Count(got, "Connection: close") == 1);
    CHECK(got == expected);
    CHECK(a.ClosedWithin(milliseconds(1000)));
    CHECK(b.ClosedWithin(milliseconds(1000)));
  }
}

// Linux 6.12 and later let a normal thread ask for its slice length, and say
// what it asked for; older kernels neither honour nor report it.
TEST_CASE("event threads ask the scheduler for short time slices") {
  utsname name{};
  REQUIRE(::uname(&name) == 0);
  int major = 0, minor = 0;
  std::sscanf(name.release, "%d.%d", &major, &minor);
  if (major < 6 || (major == 6 && minor < 12)) {
    WARN("kernel " << name.release << " has no per-thread slices; nothing to check");
    return;
  }
  // A sandbox may refuse sched_setattr (the transport then keeps the default,
  // by design): find out on a thread of the test's own.
  bool settable = false;
  std::thread([&settable] {
    SchedAttr attr{};
    attr.size = sizeof attr;
    attr.runtime = 100000;
    settable = ::syscall(SYS_sched_setattr, 0, &attr, 0) == 0 && SliceOfThisThread() == 100000;
  }).join();
  if (!settable) {
    WARN("this process may not set its threads' slices; nothing to check");
    return;
  }
  const bool direct = GENERATE(false, true);
  TransportFixture server(2, 5, 5, direct);
  auto r = server.Client().Get("/slice");
  REQUIRE(r);
  CHECK(r->body == "100000");
  CHECK(SliceOfThisThread() != 100000);  // only the event threads
}

TEST_CASE("a drain before Run() starts is not lost") {
  Transport transport(2);
  REQUIRE(transport.bind_to_any_port("127.0.0.1") > 0);
  transport.Drain();
  std::atomic<bool> returned{false};
  std::thread serving([&] {
    transport.Run();
    returned = true;
  });
  const auto deadline = Clock::now() + std::chrono::seconds(3);  // hang guard
  while (!returned && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(10));
  CHECK(returned);
  if (!returned) transport.stop();
  serving.join();
}

}  // namespace
}  // namespace whyd::testing
