// JSON-lines access log: one line per request with its request id, route,
// status, duration, tenant and key id. Never the key, the body or the query.
//
// Thread-safety: Write() may be called from any thread; lines never interleave.
#ifndef WHYD_SERVER_ACCESS_LOG_H_
#define WHYD_SERVER_ACCESS_LOG_H_

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "engine/status.h"

namespace whyd {

struct AccessRecord {
  std::string request_id;
  std::string method;
  std::string path;
  std::string route;
  int status = 0;
  double duration_ms = 0;
  std::string tenant;
  std::string key_id;
  size_t response_bytes = 0;
};

class AccessLog {
 public:
  // `target`: "-" for stderr, "off" for no log, else a file appended to.
  static StatusOr<std::unique_ptr<AccessLog>> Open(const std::string& target);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void Write(const AccessRecord& record);

 private:
  AccessLog(FILE* out, bool owned) : out_(out), owned_(owned) {}
  std::mutex mu_;
  FILE* out_;  // null: logging off
  bool owned_;
};

}  // namespace whyd

#endif  // WHYD_SERVER_ACCESS_LOG_H_
