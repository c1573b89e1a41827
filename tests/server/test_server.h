// A whyd HTTP service on an ephemeral loopback port with the fake backend, for
// the tests of tests/server. Keys (tenant "demo" unless named otherwise):
//   ask-key (ask), triage-key (triage), ingest-key (ingest), admin-key (admin),
//   all-key (every scope), other-key (tenant "other", every scope), and the
//   operator key operator-key (no tenant: reload).
#ifndef WHYD_TESTS_SERVER_TEST_SERVER_H_
#define WHYD_TESTS_SERVER_TEST_SERVER_H_

#include <sqlite3.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "server/auth.h"
#include "server/fake_backend.h"
#include "server/http_server.h"

namespace whyd::testing {

// A path under /tmp unique to this test process.
inline std::string TempPath(const char* name) {
  return "/tmp/whyd-test-" + std::to_string(getpid()) + "-" + name;
}

// Every row `sql` returns from the SQLite file at `path`, as text.
inline std::vector<std::vector<std::string>> SqlRows(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  std::vector<std::vector<std::string>> rows;
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

inline ServiceConfig TestConfig() {
  ServiceConfig config;
  config.tenants = {"demo", "other"};
  const unsigned all = kScopeAsk | kScopeTriage | kScopeIngest | kScopeAdmin;
  config.keys = {
      {"ask", "demo", Sha256("ask-key"), kScopeAsk},
      {"triage", "demo", Sha256("triage-key"), kScopeTriage},
      {"ingest", "demo", Sha256("ingest-key"), kScopeIngest},
      {"admin", "demo", Sha256("admin-key"), kScopeAdmin},
      {"all", "demo", Sha256("all-key"), all},
      {"other", "other", Sha256("other-key"), all},
  };
  config.operators = {{"ops", "", Sha256("operator-key"), 0}};
  return config;
}

class TestServer {
 public:
  explicit TestServer(ServeOptions options = {}, ServiceConfig config = TestConfig()) {
    options.host = "127.0.0.1";
    options.port = 0;
    if (options.access_log == "-") options.access_log = "off";
    options.demo = true;
    if (options.threads == 0) options.threads = 2;  // as on the 2-core machines we serve from
    service_ = std::make_unique<HttpService>(options, std::move(config), backend_);
    StatusOr<int> port = service_->Bind();
    if (!port.ok()) throw std::runtime_error(port.status().ToString());
    port_ = *port;
    thread_ = std::thread([this] { serve_status_ = service_->Serve(); });
  }
  ~TestServer() { Stop(); }

  void Stop() {
    if (!thread_.joinable()) return;
    service_->Stop();
    thread_.join();
  }

  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(2, 0);
    client.set_read_timeout(5, 0);
    return client;
  }

  static httplib::Headers Auth(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

  httplib::Result PostJson(const std::string& path, const std::string& key, const std::string& body,
                           httplib::Headers extra = {}) const {
    httplib::Headers headers = Auth(key);
    headers.insert(extra.begin(), extra.end());
    return Client().Post(path.c_str(), headers, body, "application/json");
  }

  FakeBackend& backend() { return backend_; }
  HttpService& service() { return *service_; }
  int port() const { return port_; }

 private:
  FakeBackend backend_;
  std::unique_ptr<HttpService> service_;
  int port_ = 0;
  Status serve_status_;
  std::thread thread_;
};

inline nlohmann::json JsonOf(const httplib::Result& r) { return nlohmann::json::parse(r->body); }

}  // namespace whyd::testing

#endif  // WHYD_TESTS_SERVER_TEST_SERVER_H_
