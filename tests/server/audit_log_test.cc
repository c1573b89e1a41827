// The audit log records who asked about whom and what was found, never the
// question, and forgets rows past the retention period.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "server/audit_log.h"
#include "tests/server/test_server.h"

namespace whyd::testing {
namespace {

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
}

TEST_CASE("asks are audited without the question text") {
  const std::string path = TempPath("audit.db");
  RemoveDb(path);
  {
    ServeOptions options;
    options.audit_path = path;
    TestServer server(options);
    server.PostJson("/v1/tenants/demo/ask", "ask-key",
                    R"({"asker": "u-2", "question": "why can't jamie sign in? secret-marker"})");
    server.PostJson("/v1/tenants/demo/ask", "ask-key",
                    R"({"asker": "u-1", "faq": "account-locked", "subject": {"user": "u-4"}})");
    server.service().FlushAuditLog();
    auto rows = SqlRows(path, "SELECT tenant, key_id, endpoint, asker, subject, faq, causes, status FROM audit ORDER BY id");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == std::vector<std::string>{"demo", "ask", "ask", "u-2", "u-1", "learner-cannot-log-in",
                                              "account_locked,mfa_failures", "200"});
    CHECK(rows[1] == std::vector<std::string>{"demo", "ask", "ask", "u-1", "u-4", "", "", "403"});
  }
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(path + suffix, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    bytes += s.str();
  }
  CHECK(bytes.find("secret-marker") == std::string::npos);
  RemoveDb(path);
}

TEST_CASE("rows past the retention period are deleted") {
  const std::string path = TempPath("retention.db");
  RemoveDb(path);
  {
    auto log = AuditLog::Open(path, 30);
    REQUIRE(log.ok());
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    (*log)->Record({now - 31 * 86400, "r1", "demo", "k", "ask", "u-1", "u-1", "f", {}, 200});
    (*log)->Record({now - 29 * 86400, "r2", "demo", "k", "ask", "u-1", "u-1", "f", {}, 200});
    (*log)->Flush();
    auto pruned = (*log)->Prune();
    REQUIRE(pruned.ok());
    CHECK(*pruned == 1);
  }
  CHECK(SqlRows(path, "SELECT request_id FROM audit") == std::vector<std::vector<std::string>>{{"r2"}});
  RemoveDb(path);
}

TEST_CASE("a writer that falls behind drops rows and counts them instead of queueing without bound") {
  const std::string path = TempPath("audit-bounded.db");
  RemoveDb(path);
  auto log = AuditLog::Open(path, 90, /*max_queued=*/4);
  REQUIRE(log.ok());
  // Another connection holds the database, so the writer stalls on its
  // first batch (waiting, within its busy timeout, for the lock to go).
  sqlite3* holder = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &holder) == SQLITE_OK);
  REQUIRE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  int accepted = 0;
  for (int i = 0; i < 20; ++i) {
    std::string request_id = std::to_string(i);  // ("r" + ... trips GCC 12's -Wrestrict)
    accepted += (*log)->Record(AuditEntry{0, request_id, "demo", "k", "ask", "u-1", "u-2", "faq", {}, 200}) ? 1 : 0;
  }
  // At most one batch in the writer's hands plus a full queue.
  CHECK(accepted <= 8);
  CHECK((*log)->dropped() == static_cast<uint64_t>(20 - accepted));
  REQUIRE(sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(holder);
  // Once the lock is gone the accepted rows are written, none lost.
  (*log)->Flush();
  CHECK(SqlRows(path, "SELECT count(*) FROM audit")[0][0] == std::to_string(accepted));
  log->reset();
  RemoveDb(path);
}

TEST_CASE("an audit log that cannot be opened is reported") {
  auto log = AuditLog::Open("/nonexistent-dir/audit.db", 30);
  REQUIRE(!log.ok());
  CHECK_THAT(log.status().message(), Catch::Contains("/nonexistent-dir/audit.db"));
}

}  // namespace
}  // namespace whyd::testing
