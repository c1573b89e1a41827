// The connection loop of `whyd serve`; see transport.h.
#include "server/transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace whyd {
namespace {

// Responses up to this size leave in one send(); larger ones in chunks of it.
constexpr size_t kFlushBytes = 64 * 1024;
// How often the accept loop looks for a Drain() that came before it started.
constexpr time_t kAcceptIdleMicros = 200 * 1000;

// httplib's pool, plus a look at Drain() whenever the accept loop is idle: a
// Drain() called before listen_after_bind() got going found nothing to stop.
class DrainAwarePool : public httplib::ThreadPool {
 public:
  DrainAwarePool(size_t threads, Transport& transport) : ThreadPool(threads), transport_(transport) {}
  void on_idle() override {
    if (transport_.draining()) transport_.stop();
  }

 private:
  Transport& transport_;
};

// One accepted socket as httplib reads and writes it. Reads go through a
// read-ahead buffer (httplib reads request lines a byte at a time) that lives
// as long as the connection; writes are gathered and sent when the response is
// complete, when kFlushBytes are waiting, or before the next read blocks (so a
// "100 Continue" reaches the client before it sends the body). Timeouts come
// from SO_RCVTIMEO and SO_SNDTIMEO on the socket. One thread at a time.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int sock, int read_timeout_ms, int write_timeout_ms)
      : sock_(sock), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {
    out_.reserve(16 * 1024);
  }

  bool HasBufferedInput() const { return in_pos_ < in_end_; }

  bool is_readable() const override { return HasBufferedInput() || Ready(POLLIN, read_timeout_ms_); }
  bool is_writable() const override { return !failed_ && Ready(POLLOUT, write_timeout_ms_); }

  ssize_t read(char* ptr, size_t size) override {
    if (!HasBufferedInput()) {
      if (!Flush()) return -1;
      if (size >= sizeof in_) return Receive(ptr, size);  // large bodies skip the copy
      const ssize_t n = Receive(in_, sizeof in_);
      if (n <= 0) return n;
      in_pos_ = 0;
      in_end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, in_end_ - in_pos_);
    std::memcpy(ptr, in_ + in_pos_, n);
    in_pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (failed_) return -1;
    out_.append(ptr, size);
    if (out_.size() >= kFlushBytes && !Flush()) return -1;
    return static_cast<ssize_t>(size);
  }

  // Sends what write() gathered; false once the peer is gone or too slow.
  bool Flush() {
    size_t sent = 0;
    while (!failed_ && sent < out_.size()) {
      const ssize_t n = ::send(sock_, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) failed_ = true;
      else sent += static_cast<size_t>(n);
    }
    out_.clear();
    return !failed_;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (!peer_known_) peer_known_ = Describe(::getpeername, &peer_ip_, &peer_port_);
    ip = peer_ip_;
    port = peer_port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (!local_known_) local_known_ = Describe(::getsockname, &local_ip_, &local_port_);
    ip = local_ip_;
    port = local_port_;
  }
  socket_t socket() const override { return sock_; }

 private:
  ssize_t Receive(char* ptr, size_t size) {
    for (;;) {
      const ssize_t n = ::recv(sock_, ptr, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  bool Ready(short events, int timeout_ms) const {
    pollfd fd{sock_, events, 0};
    int n;
    do n = ::poll(&fd, 1, timeout_ms);
    while (n < 0 && errno == EINTR);
    return n > 0 && (fd.revents & (POLLERR | POLLNVAL)) == 0;
  }

  using NameFn = int (*)(int, sockaddr*, socklen_t*);
  bool Describe(NameFn name_of, std::string* ip, int* port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (name_of(sock_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
    char host[NI_MAXHOST];
    char serv[NI_MAXSERV];
    if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
      return false;
    }
    *ip = host;
    *port = std::atoi(serv);
    return true;
  }

  const int sock_;
  const int read_timeout_ms_;
  const int write_timeout_ms_;
  char in_[4096];
  size_t in_pos_ = 0;
  size_t in_end_ = 0;
  std::string out_;
  bool failed_ = false;
  mutable bool peer_known_ = false;
  mutable bool local_known_ = false;
  mutable std::string peer_ip_;
  mutable std::string local_ip_;
  mutable int peer_port_ = 0;
  mutable int local_port_ = 0;
};

void SetTimeout(int sock, int option, time_t sec, time_t usec) {
  timeval tv{};
  tv.tv_sec = sec;
  tv.tv_usec = static_cast<suseconds_t>(usec);
  ::setsockopt(sock, SOL_SOCKET, option, &tv, sizeof tv);
}

int Millis(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

}  // namespace

Transport::Transport(size_t threads) : drain_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  new_task_queue = [this, threads] { return new DrainAwarePool(threads, *this); };
  set_idle_interval(0, kAcceptIdleMicros);
}

Transport::~Transport() {
  if (drain_fd_ >= 0) ::close(drain_fd_);
}

bool Transport::WidenListenBacklog() {
  const socket_t sock = svr_sock_;
  return sock != INVALID_SOCKET && ::listen(sock, SOMAXCONN) == 0;
}

void Transport::Drain() {
  draining_.store(true, std::memory_order_release);
  const uint64_t one = 1;
  if (drain_fd_ >= 0) (void)!::write(drain_fd_, &one, sizeof one);
  stop();
}

bool Transport::WaitForRequest(int sock, bool has_buffered_input) const {
  if (has_buffered_input) return true;  // a pipelined request
  pollfd fds[2] = {{sock, POLLIN, 0}, {drain_fd_, POLLIN, 0}};
  const int nfds = drain_fd_ >= 0 ? 2 : 1;
  int n;
  do n = ::poll(fds, nfds, Millis(keep_alive_timeout_sec_, 0));
  while (n < 0 && errno == EINTR);
  // Bytes, EOF or an error on the socket: process_request finds out which. A
  // request that arrived as the drain began is still answered.
  if (n > 0 && fds[0].revents != 0) return true;
  return false;  // keep-alive timeout, or draining with nothing to read
}

bool Transport::process_and_close_socket(socket_t sock) {
  SetTimeout(sock, SO_RCVTIMEO, read_timeout_sec_, read_timeout_usec_);
  SetTimeout(sock, SO_SNDTIMEO, write_timeout_sec_, write_timeout_usec_);
  ConnectionStream stream(sock, Millis(read_timeout_sec_, read_timeout_usec_),
                          Millis(write_timeout_sec_, write_timeout_usec_));
  bool ok = true;
  for (size_t served = 0; served < keep_alive_max_count_; ++served) {
    if (!WaitForRequest(sock, stream.HasBufferedInput())) break;
    // The last request of a connection is answered with "Connection: close".
    const bool last = served + 1 == keep_alive_max_count_ || draining();
    bool connection_closed = false;
    ok = process_request(stream, last, connection_closed, nullptr);
    if (!stream.Flush()) ok = false;
    if (!ok || connection_closed || last) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace whyd
