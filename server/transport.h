// The HTTP transport of `whyd serve`: cpp-httplib's request parsing, routing
// and response writing (Server::process_request) under our own connection
// handling, an epoll event loop.
//
// cpp-httplib 0.11 gives every connection a pool thread for as long as it is
// open, and waits for a keep-alive client's next request by polling (select
// 10 ms, sleep 1 ms). With 8 busy keep-alive clients on a 2-core machine that
// made 8 runnable threads take turns at the cores in scheduler time slices, and
// one answer in a hundred waited a slice or two (p99 several times the mean).
// Transport instead:
//   - keeps every open connection in one epoll set, armed one-shot, so an idle
//     keep-alive client costs no thread;
//   - answers on a few event threads (one per core by default), each taking the
//     next connection whose request has fully arrived, so requests are served
//     in arrival order with no more runnable threads than cores;
//   - reads a request completely before handing it to httplib, so a client that
//     sends slowly never holds an event thread (it is closed when the read
//     timeout passes with its request still incomplete);
//   - gives requests that may take long (a large or chunked body, "Expect:
//     100-continue", or a route the service names, such as a snapshot upload or
//     a reload) a thread of their own, so they never stall the event threads;
//   - closes idle keep-alive connections after the keep-alive timeout, and on
//     Drain() closes idle connections at once, answers the requests already
//     read (with "Connection: close"), then lets Run() return.
//
// A plain request (see Inspect() in transport.cc: HTTP/1.1, a path of plain
// characters, no query, encodings, ranges or Connection header) is answered
// without httplib's process_request when a direct handler is set: the
// transport has already read and split its head, and httplib's parsing,
// routing and writing cost as much again as the kernel's part of a small
// request. The response bytes are what httplib writes for it (status line,
// the response's headers plus Keep-Alive or Connection, Content-Type and
// Content-Length defaults, no body for HEAD); tests/server/transport_test.cc
// compares the two paths. Everything else still goes through httplib.
//
// Transport sets httplib's post-routing handler; do not replace it.
//
// Thread-safety: as httplib::Server. Drain() may be called from any thread,
// including before Run() has started.
#ifndef WHYD_SERVER_TRANSPORT_H_
#define WHYD_SERVER_TRANSPORT_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include <httplib.h>

namespace whyd {

class Transport : public httplib::Server {
 public:
  // Routes the predicate says yes to run on a thread of their own instead of
  // an event thread: requests that may take seconds (uploads, reloads).
  using SlowRoutePredicate = std::function<bool(std::string_view method, std::string_view path)>;

  // `event_threads` answer requests; 0 means one per core (at least 2).
  explicit Transport(size_t event_threads);
  ~Transport() override;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  void set_slow_route_predicate(SlowRoutePredicate predicate) { slow_route_ = std::move(predicate); }

  // One header line of a plain request, pointing into the connection's
  // buffer: the name as the client spelt it, the value as httplib would store
  // it. Valid for the duration of the direct handler's call.
  struct HeaderView {
    std::string_view name;
    std::string_view value;
  };

  // Answers plain requests (see the top of this file) without httplib's
  // routing. It must route every request itself, as httplib's handlers would;
  // set it before Run(). `req` has the method, target, path, version and body
  // but no headers: they are in `headers`, in the order sent (httplib's
  // case-folding multimap of them cost more than a plain request's routing).
  using DirectHandler =
      std::function<void(const httplib::Request&, std::span<const HeaderView> headers, httplib::Response&)>;
  void set_direct_handler(DirectHandler handler) { direct_ = std::move(handler); }

  // httplib listens with a backlog of 5: when more clients connect at once
  // than the accept loop has taken, the rest lose their SYN and retry after a
  // second. Call after bind_to_port(); listen() again only resizes the queue.
  bool WidenListenBacklog();

  // Accepts and answers until Drain(); returns once the last request read
  // before the drain has been answered and every connection is closed. False
  // when the listening socket failed.
  bool Run();

  // Stops accepting, closes idle connections now and lets requests already
  // read finish; Run() then returns.
  void Drain();

  bool draining() const { return draining_.load(std::memory_order_acquire); }

  size_t event_threads() const { return event_threads_; }

 private:
  struct Connection;
  struct RequestHead;
  class ConnectionStream;
  enum class Readiness { kIncomplete, kOnEventThread, kOnOwnThread };

  // Called by httplib's accept loop for each accepted socket: registers it.
  bool process_and_close_socket(socket_t sock) override;

  void EventLoop();
  // Reads what has arrived on `conn` and answers every complete request in
  // its buffer; then re-arms it, closes it, or hands it to a thread of its own.
  // `own_thread`: this thread may block on the request (a slow one).
  void Serve(Connection* conn, bool own_thread);
  // Answers the request at the head of conn's buffer through httplib; false
  // when the connection must close afterwards.
  bool AnswerOne(Connection* conn);
  // The same for a plain request, through the direct handler.
  bool AnswerDirect(Connection* conn, const RequestHead& head);
  // How far the request at the head of conn's buffer has arrived, where it
  // goes, and what its head says.
  Readiness Inspect(const Connection& conn, RequestHead* head) const;
  void HandOff(Connection* conn);
  void Rearm(Connection* conn);
  void Close(Connection* conn);
  // Shuts down connections idle past their timeout (or, when draining, every
  // idle one) so that their epoll event fires and an event thread closes them.
  void Sweep(bool draining_now);
  void SweepIfDue();
  void WakeIfDone();

  const size_t event_threads_;
  SlowRoutePredicate slow_route_;
  DirectHandler direct_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // readable once draining and nothing is left to answer
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> next_sweep_ms_{0};

  std::mutex mu_;  // guards connections_ and own_threads_
  std::unordered_set<Connection*> connections_;
  size_t own_threads_ = 0;  // requests running on a thread of their own
  std::condition_variable own_threads_done_;
};

}  // namespace whyd

#endif  // WHYD_SERVER_TRANSPORT_H_
