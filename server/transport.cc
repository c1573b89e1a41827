// The connection handling of `whyd serve`; see transport.h.
//
// Ownership of a connection: while it is armed in the epoll set nobody holds
// it; the one thread whose epoll_wait returned it (one-shot) owns it until it
// re-arms or closes it, and may hand it to a thread of its own. Sweep() only
// ever shuts a socket down (under mu_, so the Connection is alive), which makes
// its event fire so that its next owner closes it.
#include "server/transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <string>

namespace whyd {
namespace {

// Responses up to this size leave in one send(); larger ones in chunks of it.
constexpr size_t kFlushBytes = 64 * 1024;
// Bodies larger than this are read on a thread of their own, as they arrive,
// instead of being gathered before the request is answered.
constexpr size_t kEventThreadBodyLimit = 64 * 1024;
// A request head that has not ended within this many bytes is left to httplib
// on a thread of its own, which refuses it.
constexpr size_t kMaxHeadBytes = 64 * 1024;
// Reads per event stop here, so that one client streaming pipelined requests
// cannot keep an event thread to itself.
constexpr size_t kReadPerEvent = 256 * 1024;
// How often idle and half-sent connections are looked at; also how long an
// event thread sleeps at most, and so how late a timeout may fire.
constexpr int kSweepIntervalMs = 250;
// How often the accept loop looks for a Drain() that came before it started.
constexpr time_t kAcceptIdleMicros = 200 * 1000;
// Connections beyond this are closed as soon as they are accepted.
constexpr size_t kMaxConnections = 10000;
// The scheduler time slice event threads ask for: the shortest Linux grants.
// See RequestShortSlices().
constexpr uint64_t kEventThreadSliceNs = 100 * 1000;
// A plain request has at most this many header lines, each at most
// kMaxDirectLine bytes long (httplib's own limits are larger; a request over
// these simply goes through httplib).
constexpr size_t kMaxDirectHeaders = 32;
constexpr size_t kMaxDirectLine = 2048;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SetTimeout(int sock, int option, int millis) {
  timeval tv{};
  tv.tv_sec = millis / 1000;
  tv.tv_usec = static_cast<suseconds_t>((millis % 1000) * 1000);
  ::setsockopt(sock, SOL_SOCKET, option, &tv, sizeof tv);
}

int Millis(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// httplib's header order (detail::ci): names compared byte by byte, ASCII
// letters folded to lower case, a name before any longer one it begins.
bool HeaderNameLess(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y - 'A' + 'a');
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Length of the request head (request line, headers and the blank line that
// ends them) at the start of `bytes`, or 0 when it has not all arrived. Lines
// may end in CRLF or, as httplib also accepts, a bare LF.
size_t HeadLength(std::string_view bytes) {
  for (size_t i = bytes.find('\n'); i != std::string_view::npos; i = bytes.find('\n', i + 1)) {
    if (i + 1 < bytes.size() && bytes[i + 1] == '\n') return i + 2;
    if (i + 2 < bytes.size() && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') return i + 3;
  }
  return 0;
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Characters a plain request's path may hold: nothing httplib would decode
// (percent escapes, '+') and no query.
bool IsPlainPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

// A header value httplib would store as it is: printable, and no '%' (httplib
// 0.11 percent-decodes header values).
bool IsPlainValue(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f || c == '%') return false;
  }
  return true;
}

// The reason phrases httplib 0.11 writes.
const char* StatusMessage(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Internal Server Error";
  }
}

// Asks the scheduler to give the calling thread short time slices. Since Linux
// 6.12 (EEVDF) a normal thread may request its slice length (sched_runtime,
// 0.1-100 ms; the default is 0.7 ms x (1 + log2 cores), 1.4 ms on two cores);
// a shorter request gets an earlier virtual deadline, so a thread that wakes
// with a request to answer runs sooner, and is preempted sooner in turn. An
// answer takes some 40 us of CPU: with the default slice, a request that
// arrived while the load generator or another thread held the core waited up
// to a whole slice. Measured with wrk at 8 connections on 2 cores, p99 fell
// from 2.6-3.0 ms to 2.2-2.4 ms (decision 20). Older kernels ignore the field
// for normal threads; a refusal changes nothing, so it is not an error.
void RequestShortSlices() {
  struct SchedAttr {  // the kernel's struct sched_attr, which glibc 2.36 does not declare
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
  };
  SchedAttr attr{};
  attr.size = sizeof attr;
  if (::syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0 || attr.sched_policy != SCHED_OTHER) return;
  attr.size = sizeof attr;
  attr.sched_flags = 0;
  attr.sched_runtime = kEventThreadSliceNs;
  (void)::syscall(SYS_sched_setattr, 0, &attr, 0);
}

}  // namespace

// What Inspect() learnt of the request at the head of a connection's buffer.
// The views point into the connection's buffer.
struct Transport::RequestHead {
  size_t head_length = 0;
  size_t body_length = 0;
  // Where a "Content-Length: 0" line belongs when a POST, PUT or PATCH has no
  // length (see Serve()); npos otherwise.
  size_t zero_length_at = std::string::npos;
  // Whether the direct handler may answer it (see the top of transport.h).
  bool plain = false;
  std::string_view method, target;
  size_t header_count = 0;
  HeaderView headers[kMaxDirectHeaders];
};

// One open connection. Fields other than the atomics belong to the thread
// that owns the connection (see the top of this file).
struct Transport::Connection {
  explicit Connection(int socket) : fd(socket) {}

  std::string_view Unread() const { return std::string_view(in).substr(in_pos); }

  const int fd;
  std::string in;     // bytes received; in[in_pos..] not yet consumed
  size_t in_pos = 0;
  std::string out;    // response bytes gathered for one send()
  bool send_failed = false;
  size_t answered = 0;
  std::string peer_ip, local_ip;
  int peer_port = 0, local_port = 0;
  bool peer_known = false, local_known = false;

  // Read by Sweep() while the connection is armed.
  std::atomic<bool> owned{false};
  std::atomic<int64_t> idle_since_ms{0};     // when its last answer left
  std::atomic<int64_t> partial_since_ms{0};  // when an incomplete request began; 0: none
};

// A connection as httplib's process_request reads and writes it: reads come
// from the bytes already received, then (only for a request on a thread of its
// own, or a head httplib reads further than Inspect() did) from the socket with
// the read timeout; writes are gathered and sent when the response is complete,
// when kFlushBytes are waiting, or before a read blocks (so that a "100
// Continue" reaches the client before it sends the body).
class Transport::ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(Connection& conn, int read_timeout_ms, int write_timeout_ms)
      : conn_(conn), read_timeout_ms_(read_timeout_ms), write_timeout_ms_(write_timeout_ms) {}

  bool is_readable() const override { return !conn_.Unread().empty() || Ready(POLLIN, read_timeout_ms_); }
  bool is_writable() const override { return !conn_.send_failed && Ready(POLLOUT, write_timeout_ms_); }

  ssize_t read(char* ptr, size_t size) override {
    if (conn_.Unread().empty()) {
      if (!Flush()) return -1;
      conn_.in.clear();
      conn_.in_pos = 0;
      // Large reads (a body) go straight to the caller.
      if (size >= kFlushBytes) return Receive(ptr, size);
      conn_.in.resize(kFlushBytes);
      const ssize_t n = Receive(conn_.in.data(), conn_.in.size());
      conn_.in.resize(n > 0 ? static_cast<size_t>(n) : 0);
      if (n <= 0) return n;
    }
    const size_t n = std::min(size, conn_.in.size() - conn_.in_pos);
    std::memcpy(ptr, conn_.in.data() + conn_.in_pos, n);
    conn_.in_pos += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (conn_.send_failed) return -1;
    conn_.out.append(ptr, size);
    if (conn_.out.size() >= kFlushBytes && !Flush()) return -1;
    return static_cast<ssize_t>(size);
  }

  // Sends what write() gathered; false once the peer is gone or too slow
  // (SO_SNDTIMEO).
  bool Flush() {
    size_t sent = 0;
    while (!conn_.send_failed && sent < conn_.out.size()) {
      const ssize_t n = ::send(conn_.fd, conn_.out.data() + sent, conn_.out.size() - sent, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) conn_.send_failed = true;
      else sent += static_cast<size_t>(n);
    }
    conn_.out.clear();
    return !conn_.send_failed;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    if (!conn_.peer_known) conn_.peer_known = Describe(::getpeername, &conn_.peer_ip, &conn_.peer_port);
    ip = conn_.peer_ip;
    port = conn_.peer_port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    if (!conn_.local_known) conn_.local_known = Describe(::getsockname, &conn_.local_ip, &conn_.local_port);
    ip = conn_.local_ip;
    port = conn_.local_port;
  }
  socket_t socket() const override { return conn_.fd; }

 private:
  // Blocking, bounded by SO_RCVTIMEO.
  ssize_t Receive(char* ptr, size_t size) {
    for (;;) {
      const ssize_t n = ::recv(conn_.fd, ptr, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }

  bool Ready(short events, int timeout_ms) const {
    pollfd fd{conn_.fd, events, 0};
    int n;
    do n = ::poll(&fd, 1, timeout_ms);
    while (n < 0 && errno == EINTR);
    return n > 0 && (fd.revents & (POLLERR | POLLNVAL)) == 0;
  }

  using NameFn = int (*)(int, sockaddr*, socklen_t*);
  bool Describe(NameFn name_of, std::string* ip, int* port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (name_of(conn_.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
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

  Connection& conn_;
  const int read_timeout_ms_;
  const int write_timeout_ms_;
};

namespace {

// httplib's accept loop hands each accepted socket to a task queue; ours runs
// the task (registering the socket with the event loop, a few system calls)
// right there, and looks at Drain() whenever the accept loop is idle: a Drain()
// called before listen_after_bind() got going found nothing to stop.
class AcceptQueue : public httplib::TaskQueue {
 public:
  explicit AcceptQueue(Transport& transport) : transport_(transport) {}
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
  void on_idle() override {
    if (transport_.draining()) transport_.stop();
  }

 private:
  Transport& transport_;
};

}  // namespace

Transport::Transport(size_t event_threads)
    : event_threads_(event_threads > 0 ? event_threads
                                       : std::max<size_t>(2, std::thread::hardware_concurrency())),
      epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  new_task_queue = [this] { return new AcceptQueue(*this); };
  set_idle_interval(0, kAcceptIdleMicros);
  // A request that was already read when the drain began is answered, and the
  // client learns that its connection ends with it.
  set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) {
    if (draining() && !res.has_header("Connection")) res.set_header("Connection", "close");
  });
  if (epoll_fd_ >= 0 && wake_fd_ >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;  // level-triggered and never reset: every event thread sees it
    ev.data.ptr = nullptr;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  }
}

Transport::~Transport() {
  for (Connection* conn : connections_) {
    ::close(conn->fd);
    delete conn;
  }
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

bool Transport::WidenListenBacklog() {
  const socket_t sock = svr_sock_;
  return sock != INVALID_SOCKET && ::listen(sock, SOMAXCONN) == 0;
}

bool Transport::Run() {
  if (epoll_fd_ < 0 || wake_fd_ < 0) return false;
  std::vector<std::thread> threads;
  threads.reserve(event_threads_);
  for (size_t i = 0; i < event_threads_; ++i) {
    threads.emplace_back([this] {
      RequestShortSlices();
      EventLoop();
    });
  }
  const bool ok = listen_after_bind();
  if (!draining()) Drain();  // the listening socket failed: close the rest too
  for (std::thread& t : threads) t.join();
  std::unique_lock<std::mutex> lock(mu_);
  own_threads_done_.wait(lock, [this] { return own_threads_ == 0; });
  return ok;
}

void Transport::Drain() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    draining_.store(true, std::memory_order_release);
  }
  stop();
  Sweep(true);
  WakeIfDone();
}

bool Transport::process_and_close_socket(socket_t sock) {
  SetTimeout(sock, SO_RCVTIMEO, Millis(read_timeout_sec_, read_timeout_usec_));
  SetTimeout(sock, SO_SNDTIMEO, Millis(write_timeout_sec_, write_timeout_usec_));
  auto* conn = new Connection(sock);
  conn->idle_since_ms.store(NowMs());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (draining() || connections_.size() >= kMaxConnections) {
      ::close(sock);
      delete conn;
      return false;
    }
    connections_.insert(conn);
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.ptr = conn;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, sock, &ev) != 0) {
    Close(conn);
    return false;
  }
  return true;
}

void Transport::EventLoop() {
  for (;;) {
    epoll_event ev{};
    // One event at a time: a thread that took several would answer them in
    // turn while another event thread sat idle.
    const int n = ::epoll_wait(epoll_fd_, &ev, 1, kSweepIntervalMs);
    if (n == 1) {
      if (ev.data.ptr == nullptr) return;  // draining, and nothing is left
      auto* conn = static_cast<Connection*>(ev.data.ptr);
      // Pairs with the release in Rearm(): what the previous owner did to
      // the connection happens before what this thread does.
      conn->owned.exchange(true, std::memory_order_acq_rel);
      Serve(conn, /*own_thread=*/false);
    }
    SweepIfDue();
  }
}

void Transport::Serve(Connection* conn, bool own_thread) {
  // Take what has arrived, without waiting for more.
  bool peer_closed = false;
  if (conn->in_pos > 0) {
    conn->in.erase(0, conn->in_pos);
    conn->in_pos = 0;
  }
  char buffer[16 * 1024];
  for (size_t taken = 0; taken < kReadPerEvent;) {
    const ssize_t n = ::recv(conn->fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      conn->in.append(buffer, static_cast<size_t>(n));
      taken += static_cast<size_t>(n);
      if (static_cast<size_t>(n) < sizeof buffer) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) peer_closed = true;
    break;
  }

  bool answered = false;
  for (;;) {
    RequestHead head;
    const Readiness readiness = Inspect(*conn, &head);
    if (readiness == Readiness::kIncomplete) break;
    // A request with neither Content-Length nor Transfer-Encoding has an empty
    // body (RFC 9112 6.3), but httplib 0.11 answers such a POST with 400: so
    // `curl -X POST .../v1/admin/reload` failed. Say so explicitly for it.
    if (head.zero_length_at != std::string::npos) {
      conn->in.insert(conn->in_pos + head.zero_length_at, "Content-Length: 0\r\n");
    }
    if (readiness == Readiness::kOnOwnThread && !own_thread) {
      HandOff(conn);
      return;
    }
    if (!(head.plain ? AnswerDirect(conn, head) : AnswerOne(conn))) {
      Close(conn);
      return;
    }
    answered = true;
  }
  if (peer_closed || (draining() && conn->Unread().empty())) {
    Close(conn);
    return;
  }
  const int64_t now = NowMs();
  if (conn->Unread().empty()) {
    conn->idle_since_ms.store(now, std::memory_order_relaxed);
    conn->partial_since_ms.store(0, std::memory_order_relaxed);
  } else if (answered || conn->partial_since_ms.load(std::memory_order_relaxed) == 0) {
    // The read timeout runs from the first byte of the request still unread.
    conn->partial_since_ms.store(now, std::memory_order_relaxed);
  }
  Rearm(conn);
}

Transport::Readiness Transport::Inspect(const Connection& conn, RequestHead* out) const {
  RequestHead& h = *out;
  const std::string_view bytes = conn.Unread();
  if (bytes.empty()) return Readiness::kIncomplete;
  h.head_length = HeadLength(bytes);
  if (h.head_length == 0) {
    return bytes.size() > kMaxHeadBytes ? Readiness::kOnOwnThread : Readiness::kIncomplete;
  }
  std::string_view head = bytes.substr(0, h.head_length);
  const size_t line_end = head.find('\n');
  // Plain until something says otherwise; see transport.h.
  bool plain = direct_ != nullptr && line_end <= kMaxDirectLine && line_end > 0 && head[line_end - 1] == '\r';
  std::string_view request_line = Trim(head.substr(0, line_end));
  head.remove_prefix(line_end + 1);
  const size_t method_end = request_line.find(' ');
  const std::string_view method = request_line.substr(0, method_end);
  std::string_view target =
      method_end == std::string_view::npos ? std::string_view() : request_line.substr(method_end + 1);
  const size_t target_end = target.find(' ');
  const std::string_view version =
      target_end == std::string_view::npos ? std::string_view() : target.substr(target_end + 1);
  target = target.substr(0, target_end);
  const std::string_view path = target.substr(0, target.find('?'));
  h.method = method;
  h.target = target;
  const bool with_body = method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
  plain = plain && version == "HTTP/1.1" &&
          (with_body || method == "GET" || method == "HEAD" || method == "OPTIONS") &&
          !target.empty() && target.front() == '/' &&
          std::all_of(target.begin(), target.end(), IsPlainPathChar);

  size_t body_length = 0;
  bool has_length = false;
  while (!head.empty()) {
    const size_t end = head.find('\n');
    std::string_view line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 1);
    if (line.empty() || line == "\r") continue;  // the blank line that ends the head
    if (line.size() > kMaxDirectLine || line.back() != '\r') plain = false;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      plain = false;
      continue;
    }
    const std::string_view name = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    // A chunked body has no length to wait for, and a client that sent
    // "Expect: 100-continue" waits for us before it sends the body.
    if (EqualsIgnoringCase(name, "transfer-encoding") || EqualsIgnoringCase(name, "expect")) {
      return Readiness::kOnOwnThread;
    }
    if (EqualsIgnoringCase(name, "content-length")) {
      if (has_length) plain = false;  // a second length is httplib's to judge
      has_length = true;
      // A malformed length is httplib's to refuse; it then reads no body.
      size_t length = 0;
      bool digits = !value.empty();
      for (char c : value) {
        if (c < '0' || c > '9' || length > (SIZE_MAX - 9) / 10) {
          digits = false;
          break;
        }
        length = length * 10 + static_cast<size_t>(c - '0');
      }
      if (digits) body_length = length;
      else plain = false;
    }
    if (!plain) continue;
    // What httplib does more than store: compression (either way), ranges,
    // and the connection's fate.
    if (EqualsIgnoringCase(name, "accept-encoding") || EqualsIgnoringCase(name, "content-encoding") ||
        EqualsIgnoringCase(name, "range") || EqualsIgnoringCase(name, "connection") ||
        h.header_count == kMaxDirectHeaders || name.size() != colon ||
        !std::all_of(name.begin(), name.end(), IsTokenChar) || name.empty() || !IsPlainValue(value)) {
      plain = false;
      continue;
    }
    h.headers[h.header_count++] = HeaderView{name, value};
  }
  if (body_length > kEventThreadBodyLimit) return Readiness::kOnOwnThread;
  if (bytes.size() - h.head_length < body_length) return Readiness::kIncomplete;
  h.body_length = body_length;
  if (!has_length && (method == "POST" || method == "PUT" || method == "PATCH")) {
    // Before the blank line that ends the head ("\r\n", or a bare "\n").
    h.zero_length_at = h.head_length - (h.head_length >= 2 && bytes[h.head_length - 2] == '\r' ? 2 : 1);
    plain = false;
  }
  // httplib reads a body only for these methods; for others the bytes would
  // be the next request.
  if (!with_body && body_length > 0) plain = false;
  if (body_length > payload_max_length_) plain = false;  // httplib's 413
  if (slow_route_ && slow_route_(method, path)) return Readiness::kOnOwnThread;
  h.plain = plain;
  return Readiness::kOnEventThread;
}

bool Transport::AnswerOne(Connection* conn) {
  // The last request of a connection is answered with "Connection: close".
  const bool last = ++conn->answered >= keep_alive_max_count_ || draining();
  bool connection_closed = false;
  ConnectionStream stream(*conn, Millis(read_timeout_sec_, read_timeout_usec_),
                          Millis(write_timeout_sec_, write_timeout_usec_));
  bool ok = process_request(stream, last, connection_closed, nullptr);
  if (!stream.Flush()) ok = false;
  return ok && !connection_closed && !last;
}

bool Transport::AnswerDirect(Connection* conn, const RequestHead& head) {
  httplib::Request req;
  req.method.assign(head.method);
  req.target.assign(head.target);
  req.path = req.target;
  req.version = "HTTP/1.1";
  req.body.assign(conn->in, conn->in_pos + head.head_length, head.body_length);

  httplib::Response res;
  direct_(req, std::span<const HeaderView>(head.headers, head.header_count), res);
  conn->in_pos += head.head_length + head.body_length;  // the views above are done with
  if (res.status == -1) res.status = 200;
  // Looked at after the handler: a drain that began meanwhile ends the
  // connection with this answer.
  const bool last = ++conn->answered >= keep_alive_max_count_ || draining();

  // As httplib's write_response_core and apply_ranges, for a response with
  // its body in memory and a request that asked for no range or encoding:
  // the headers httplib would add, written where its multimap would have
  // put them (in case-insensitive order, after any the handler set under the
  // same name), without inserting them into it.
  bool has_type = false, has_length = false, has_ranges = false;
  for (const auto& [name, value] : res.headers) {
    has_type = has_type || EqualsIgnoringCase(name, "content-type");
    has_length = has_length || EqualsIgnoringCase(name, "content-length");
    has_ranges = has_ranges || EqualsIgnoringCase(name, "accept-ranges");
  }
  const bool head_request = req.method == "HEAD";
  char length[24];
  HeaderView added[4];  // kept in case-insensitive order of name
  size_t added_count = 0;
  auto add = [&](std::string_view name, std::string_view value) {
    size_t at = added_count++;
    for (; at > 0 && HeaderNameLess(name, added[at - 1].name); --at) added[at] = added[at - 1];
    added[at] = HeaderView{name, value};
  };
  std::string keep_alive;
  if (last) {
    add("Connection", "close");
  } else {
    keep_alive = "timeout=" + std::to_string(keep_alive_timeout_sec_) + ", max=" + std::to_string(keep_alive_max_count_);
    add("Keep-Alive", keep_alive);
  }
  if (!res.body.empty()) {
    if (!has_type) add("Content-Type", "text/plain");
    add("Content-Length", std::string_view(length, std::to_chars(length, length + sizeof length, res.body.size()).ptr - length));
  } else if (!has_length) {
    add("Content-Length", "0");
  }
  if (head_request && !has_ranges) add("Accept-Ranges", "bytes");

  std::string& out = conn->out;
  out += "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += StatusMessage(res.status);
  out += "\r\n";
  auto write = [&out](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  };
  size_t next_added = 0;
  for (const auto& [name, value] : res.headers) {
    for (; next_added < added_count && HeaderNameLess(added[next_added].name, name); ++next_added) {
      write(added[next_added].name, added[next_added].value);
    }
    write(name, value);
  }
  for (; next_added < added_count; ++next_added) write(added[next_added].name, added[next_added].value);
  out += "\r\n";
  if (!head_request) out += res.body;
  ConnectionStream stream(*conn, Millis(read_timeout_sec_, read_timeout_usec_),
                          Millis(write_timeout_sec_, write_timeout_usec_));
  return stream.Flush() && !last;
}

void Transport::HandOff(Connection* conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++own_threads_;
  }
  std::thread([this, conn] {
    Serve(conn, /*own_thread=*/true);
    // The last use of `this`: Run() returns only once it sees the count at 0
    // under mu_, which this thread releases as its final step.
    std::lock_guard<std::mutex> lock(mu_);
    --own_threads_;
    if (draining() && connections_.empty() && own_threads_ == 0) {
      const uint64_t one = 1;
      (void)!::write(wake_fd_, &one, sizeof one);
    }
    own_threads_done_.notify_all();
  }).detach();
}

void Transport::Rearm(Connection* conn) {
  // Once armed the connection may be another thread's at once: nothing of it
  // is read after the release below, except on failure (then it is not armed).
  // ThreadSanitizer reports the next owner's close() of the socket as a race
  // with this epoll_ctl; it is not one: the event that hands the connection
  // over exists only once the call has armed it, and the kernel holds its own
  // reference to the file for the rest of the call.
  const int fd = conn->fd;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.ptr = conn;
  conn->owned.store(false, std::memory_order_release);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
    // Not armed, so still ours to close.
    conn->owned.store(true, std::memory_order_release);
    Close(conn);
  }
}

void Transport::Close(Connection* conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    connections_.erase(conn);
  }
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, conn->fd, nullptr);
  ::shutdown(conn->fd, SHUT_RDWR);
  ::close(conn->fd);
  delete conn;
  WakeIfDone();
}

void Transport::WakeIfDone() {
  std::lock_guard<std::mutex> lock(mu_);
  if (draining() && connections_.empty() && own_threads_ == 0) {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
}

void Transport::SweepIfDue() {
  const int64_t now = NowMs();
  int64_t due = next_sweep_ms_.load(std::memory_order_relaxed);
  if (now < due) return;
  if (!next_sweep_ms_.compare_exchange_strong(due, now + kSweepIntervalMs)) return;  // another thread sweeps
  Sweep(false);
}

void Transport::Sweep(bool draining_now) {
  const int64_t now = NowMs();
  const int64_t read_timeout = Millis(read_timeout_sec_, read_timeout_usec_);
  const int64_t keep_alive = Millis(keep_alive_timeout_sec_, 0);
  const bool closing_idle = draining_now || draining();
  std::lock_guard<std::mutex> lock(mu_);
  for (Connection* conn : connections_) {
    if (conn->owned.load(std::memory_order_acquire)) continue;
    const int64_t partial_since = conn->partial_since_ms.load(std::memory_order_relaxed);
    bool close;
    if (partial_since != 0) {
      close = now - partial_since > read_timeout;  // a client too slow to send its request
    } else if (closing_idle) {
      // A request that arrived as the drain began is still answered: its
      // event is due and its answer will say "Connection: close".
      char byte;
      close = ::recv(conn->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
    } else {
      close = now - conn->idle_since_ms.load(std::memory_order_relaxed) > keep_alive;
    }
    // The event this raises makes the connection's next owner close it.
    if (close) ::shutdown(conn->fd, SHUT_RDWR);
  }
}

}  // namespace whyd
