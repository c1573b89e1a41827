// Idempotency cache; see idempotency.h.
#include "server/idempotency.h"

namespace whyd {

void IdempotencyCache::EvictExpiredLocked(std::chrono::steady_clock::time_point now) {
  while (!order_.empty()) {
    auto it = entries_.find(order_.front());
    if (it != entries_.end() && it->second.expires > now && entries_.size() <= max_entries_) break;
    if (it != entries_.end()) entries_.erase(it);
    order_.pop_front();
  }
}

IdempotencyCache::Lookup IdempotencyCache::Find(const std::string& key, const std::string& request_body,
                                                CachedResponse* out) {
  std::lock_guard<std::mutex> lock(mu_);
  EvictExpiredLocked(std::chrono::steady_clock::now());
  auto it = entries_.find(key);
  if (it == entries_.end()) return Lookup::kMiss;
  if (it->second.request_body != request_body) return Lookup::kConflict;
  *out = it->second.response;
  return Lookup::kHit;
}

void IdempotencyCache::Store(const std::string& key, const std::string& request_body,
                             CachedResponse response) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (entries_.count(key) != 0) return;  // the first answer stored wins
  order_.push_back(key);
  entries_[key] = Entry{request_body, std::move(response), now + ttl_, std::prev(order_.end())};
  EvictExpiredLocked(now);
}

}  // namespace whyd
