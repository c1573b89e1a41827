// JSON-lines access log; see access_log.h.
#include "server/access_log.h"

#include <chrono>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "server/json_writer.h"

namespace whyd {

StatusOr<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& target) {
  if (target == "off") return std::unique_ptr<AccessLog>(new AccessLog(nullptr, false));
  if (target.empty() || target == "-") return std::unique_ptr<AccessLog>(new AccessLog(stderr, false));
  FILE* f = std::fopen(target.c_str(), "a");
  if (f == nullptr) return InvalidArgumentError("cannot open access log " + target);
  return std::unique_ptr<AccessLog>(new AccessLog(f, true));
}

AccessLog::~AccessLog() {
  if (owned_ && out_ != nullptr) std::fclose(out_);
}

static std::string NowRfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

void AccessLog::Write(const AccessRecord& r) {
  if (out_ == nullptr) return;
  nlohmann::json line = {
      {"ts", NowRfc3339()},       {"request_id", r.request_id}, {"method", r.method},
      {"path", r.path},           {"route", r.route},           {"status", r.status},
      {"duration_ms", r.duration_ms}, {"bytes", r.response_bytes},
  };
  if (!r.tenant.empty()) line["tenant"] = r.tenant;
  if (!r.key_id.empty()) line["key_id"] = r.key_id;
  // Replaces invalid UTF-8 in client-sent paths rather than throwing.
  std::string text = DumpJson(line);
  text.push_back('\n');
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace whyd
