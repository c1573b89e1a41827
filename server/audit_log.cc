// SQLite audit log; see audit_log.h.
#include "server/audit_log.h"

#include <algorithm>
#include <ctime>
#include <cstdio>

#include <sqlite3.h>

namespace whyd {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,          -- unix seconds
  request_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  key_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  asker TEXT NOT NULL,
  subject TEXT NOT NULL,
  faq TEXT NOT NULL,
  causes TEXT NOT NULL,         -- comma-separated cause codes
  status INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
)sql";

}  // namespace

StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path, int retention_days,
                                                    size_t max_queued) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return InvalidArgumentError("cannot open audit log " + path + ": " + message);
  }
  // Another process reading the log (a report, a backup) may lock it for a
  // moment; the writer waits that out instead of losing the batch.
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    sqlite3_close(db);
    return InvalidArgumentError("cannot create audit table in " + path + ": " + message);
  }
  std::unique_ptr<AuditLog> log(new AuditLog(db, retention_days, std::max<size_t>(max_queued, 1)));
  StatusOr<int> pruned = log->Prune();
  if (!pruned.ok()) return pruned.status();
  return log;
}

AuditLog::AuditLog(sqlite3* db, int retention_days, size_t max_queued)
    : db_(db), retention_days_(retention_days), max_queued_(max_queued), last_prune_(std::chrono::steady_clock::now()) {
  writer_ = std::thread([this] { WriterLoop(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
  sqlite3_close(db_);
}

bool AuditLog::Record(AuditEntry entry) {
  if (entry.unix_time == 0) entry.unix_time = static_cast<int64_t>(std::time(nullptr));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= max_queued_) {
      if (dropped_++ % 10000 == 0) {
        std::fprintf(stderr, "whyd: audit log queue full (%zu rows): dropping rows (%llu so far)\n",
                     max_queued_, static_cast<unsigned long long>(dropped_));
      }
      return false;
    }
    queue_.push_back(std::move(entry));
    ++queued_;
  }
  wake_.notify_one();
  return true;
}

uint64_t AuditLog::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void AuditLog::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = queued_;
  drained_.wait(lock, [&] { return written_ >= target; });
}

StatusOr<int> AuditLog::Prune() {
  std::lock_guard<std::mutex> lock(db_mu_);
  const int64_t cutoff = static_cast<int64_t>(std::time(nullptr)) - int64_t{retention_days_} * 86400;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, "DELETE FROM audit WHERE at < ?", -1, &stmt, nullptr) != SQLITE_OK) {
    return InternalError(std::string("audit prune: ") + sqlite3_errmsg(db_));
  }
  sqlite3_bind_int64(stmt, 1, cutoff);
  const int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return InternalError(std::string("audit prune: ") + sqlite3_errmsg(db_));
  return sqlite3_changes(db_);
}

Status AuditLog::WriteBatch(const std::vector<AuditEntry>& batch) {
  std::lock_guard<std::mutex> lock(db_mu_);
  sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "INSERT INTO audit(at, request_id, tenant, key_id, endpoint, asker, subject, "
                         "faq, causes, status) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         -1, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return InternalError(std::string("audit insert: ") + sqlite3_errmsg(db_));
  }
  for (const AuditEntry& e : batch) {
    std::string causes;
    for (const auto& c : e.causes) causes += (causes.empty() ? "" : ",") + c;
    sqlite3_bind_int64(stmt, 1, e.unix_time);
    const std::string* texts[] = {&e.request_id, &e.tenant, &e.key_id, &e.endpoint,
                                  &e.asker,      &e.subject, &e.faq,   &causes};
    for (int i = 0; i < 8; ++i) {
      sqlite3_bind_text(stmt, i + 2, texts[i]->data(), static_cast<int>(texts[i]->size()),
                        SQLITE_TRANSIENT);
    }
    sqlite3_bind_int(stmt, 10, e.status);
    sqlite3_step(stmt);
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return InternalError(std::string("audit commit: ") + sqlite3_errmsg(db_));
  }
  return OkStatus();
}

void AuditLog::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) return;
    std::vector<AuditEntry> batch(std::make_move_iterator(queue_.begin()),
                                  std::make_move_iterator(queue_.end()));
    queue_.clear();
    lock.unlock();
    // An audit write failure must not take answering down; say so on stderr.
    if (Status s = WriteBatch(batch); !s.ok()) std::fprintf(stderr, "whyd: %s\n", s.ToString().c_str());
    if (std::chrono::steady_clock::now() - last_prune_ > std::chrono::hours(1)) {
      last_prune_ = std::chrono::steady_clock::now();
      if (StatusOr<int> p = Prune(); !p.ok()) {
        std::fprintf(stderr, "whyd: %s\n", p.status().ToString().c_str());
      }
    }
    lock.lock();
    written_ += batch.size();
    drained_.notify_all();
  }
}

}  // namespace whyd
