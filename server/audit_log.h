// Audit log of answers, in SQLite: who asked (tenant, key, asker) about whom
// (subject), which FAQ was answered and which causes were reported. It never
// stores the question text, attachments or evidence values.
//
// Rows older than the retention period are deleted when the log opens and then
// at most once an hour, by the writer. Record() only queues the row; a single
// writer thread inserts queued rows in batches (one transaction each), so
// answering never waits on the disk. The queue is bounded: when the disk
// cannot keep up (or another process holds the database locked longer than
// the busy timeout allows), further rows are dropped and counted rather than
// growing memory without limit or slowing answers.
//
// Thread-safety: Record() and Flush() may be called from any thread.
#ifndef WHYD_SERVER_AUDIT_LOG_H_
#define WHYD_SERVER_AUDIT_LOG_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/status.h"

struct sqlite3;

namespace whyd {

struct AuditEntry {
  int64_t unix_time = 0;  // 0: now
  std::string request_id;
  std::string tenant;
  std::string key_id;
  std::string endpoint;     // "ask" or "triage"
  std::string asker;
  std::string subject;      // user id, email, "tenant"... or empty
  std::string faq;          // matched FAQ id, empty when none
  std::vector<std::string> causes;
  int status = 0;           // HTTP status of the answer
};

class AuditLog {
 public:
  // Opens (creating if needed) the database at `path` and deletes rows older
  // than `retention_days`.
  // At most `max_queued` rows wait for the writer.
  static constexpr size_t kDefaultMaxQueued = 100000;
  static StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path, int retention_days,
                                                  size_t max_queued = kDefaultMaxQueued);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Queues the row; false when the queue is full and the row was dropped.
  bool Record(AuditEntry entry);
  // Rows dropped so far because the queue was full.
  uint64_t dropped() const;
  // Waits until every row queued so far is written (for tests and shutdown).
  void Flush();
  // Deletes rows older than the retention period now; returns how many.
  StatusOr<int> Prune();

 private:
  AuditLog(sqlite3* db, int retention_days, size_t max_queued);
  void WriterLoop();
  Status WriteBatch(const std::vector<AuditEntry>& batch);

  sqlite3* db_;
  const int retention_days_;
  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable drained_;
  std::deque<AuditEntry> queue_;
  uint64_t queued_ = 0;
  uint64_t written_ = 0;
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_prune_;
  std::mutex db_mu_;  // serialises use of db_ between the writer and Prune()
  std::thread writer_;
};

}  // namespace whyd

#endif  // WHYD_SERVER_AUDIT_LOG_H_
