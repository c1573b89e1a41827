// The HTTP transport of `whyd serve`: cpp-httplib's Server with our own loop
// over each accepted connection.
//
// cpp-httplib 0.11 waits for the next request on a keep-alive connection by
// polling (select 10 ms, sleep 1 ms) until its keep-alive timeout ends, and
// checks for stop() only between requests. So after stop() an idle keep-alive
// client held the process for up to the whole keep-alive timeout. Transport
// replaces that per-connection loop (Server::process_and_close_socket, a
// virtual hook) and keeps the request parsing, routing and response writing
// of httplib (Server::process_request):
//   - the wait for the next request is one poll() on the socket and on a
//     drain eventfd, so Drain() wakes every idle connection at once and it
//     closes; a request already being read or handled finishes, and its
//     response says "Connection: close";
//   - the connection's bytes go through one read-ahead buffer kept across
//     requests, and a response leaves in one send() instead of one for the
//     head and one for the body;
//   - the peer and local addresses are looked up once per connection, not
//     once per request.
//
// Thread-safety: as httplib::Server. Drain() may be called from any thread.
#ifndef WHYD_SERVER_TRANSPORT_H_
#define WHYD_SERVER_TRANSPORT_H_

#include <atomic>
#include <cstddef>

#include <httplib.h>

namespace whyd {

class Transport : public httplib::Server {
 public:
  // `threads` workers; each keep-alive connection holds one while it is open.
  explicit Transport(size_t threads);
  ~Transport() override;
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // httplib listens with a backlog of 5: when more clients connect at once
  // than the accept loop has taken, the rest lose their SYN and retry after a
  // second. Call after bind_to_port(); listen() again only resizes the queue.
  bool WidenListenBacklog();

  // Stops accepting (httplib's stop()), closes idle keep-alive connections now
  // and lets requests in flight finish; listen_after_bind() then returns once
  // the last of them has been answered.
  void Drain();

  bool draining() const { return draining_.load(std::memory_order_acquire); }

 private:
  bool process_and_close_socket(socket_t sock) override;
  // True when a request (or EOF) waits on `sock`; false after the keep-alive
  // timeout, or at once when draining and the client has sent nothing.
  bool WaitForRequest(int sock, bool has_buffered_input) const;

  // Readable from the moment Drain() is called; never reset.
  int drain_fd_ = -1;
  std::atomic<bool> draining_{false};
};

}  // namespace whyd

#endif  // WHYD_SERVER_TRANSPORT_H_
