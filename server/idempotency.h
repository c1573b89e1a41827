// A bounded, expiring cache of responses keyed by a client's Idempotency-Key
// (or X-Delivery-Id): a webhook delivered twice gets the same triage answer and
// is diagnosed once. The key is scoped by tenant and API key, and the cached
// entry remembers the request body so that a reused key with a different body
// is reported instead of silently answered with the old response.
//
// Thread-safety: all methods are safe to call concurrently.
#ifndef WHYD_SERVER_IDEMPOTENCY_H_
#define WHYD_SERVER_IDEMPOTENCY_H_

#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace whyd {

struct CachedResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

class IdempotencyCache {
 public:
  IdempotencyCache(std::chrono::seconds ttl, size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}

  enum class Lookup { kMiss, kHit, kConflict };
  // kHit fills *out; kConflict: the key was used with another body.
  Lookup Find(const std::string& key, const std::string& request_body, CachedResponse* out);
  void Store(const std::string& key, const std::string& request_body, CachedResponse response);

 private:
  struct Entry {
    std::string request_body;
    CachedResponse response;
    std::chrono::steady_clock::time_point expires;
    std::list<std::string>::iterator order;
  };
  void EvictExpiredLocked(std::chrono::steady_clock::time_point now);

  const std::chrono::seconds ttl_;
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> order_;  // oldest first
};

}  // namespace whyd

#endif  // WHYD_SERVER_IDEMPOTENCY_H_
