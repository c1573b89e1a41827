// The ask and triage routes over the real backend (DiagnosisBackend on the
// demo tenant and the rule packs), where the other HTTP tests use the fake
// one: an answer goes out as the JSON text the answerer writes, which must be
// the bytes DumpJson writes for the same object (keys sorted, as clients have
// always received them), and the metrics and audit rows that the server
// takes from an answer must come out as they did when it read a tree.
//
// Thread-safety: the server answers on its own threads; the test only sends
// requests and reads replies, metrics and the audit database after a flush.
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "engine/time_util.h"
#include "server/diagnosis_backend.h"
#include "server/json_writer.h"
#include "tests/server/test_server.h"

namespace whyd::testing {
namespace {

// `whyd serve --demo`, in process, on an ephemeral port.
class DemoServer {
 public:
  explicit DemoServer(const std::string& audit_path) {
    auto store = Store::Open(":memory:");
    REQUIRE(store.ok());
    store_ = std::move(*store);
    std::FILE* f = std::fopen(WHYD_SOURCE_DIR "/examples/demo-tenant.json", "rb");
    REQUIRE(f != nullptr);
    std::string text;
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    REQUIRE(store_->ImportSnapshot(text).ok());
    auto rules = Rulebook::Load(WHYD_SOURCE_DIR "/rules");
    REQUIRE(rules.ok());
    const int64_t now = *ParseTimestamp("2026-11-29T10:00:00Z");
    backend_ = std::make_unique<DiagnosisBackend>(*store_, WHYD_SOURCE_DIR "/rules", *rules, true,
                                                  [now] { return now; });
    ServeOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = "off";
    options.audit_path = audit_path;
    options.demo = true;
    options.threads = 2;
    service_ = std::make_unique<HttpService>(options, TestConfig(), *backend_);
    StatusOr<int> port = service_->Bind();
    REQUIRE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { (void)service_->Serve(); });
  }
  ~DemoServer() {
    service_->Stop();
    thread_.join();
  }

  httplib::Result Post(const std::string& path, const std::string& body) const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10, 0);
    return client.Post(path.c_str(), TestServer::Auth("all-key"), body, "application/json");
  }
  std::string Metrics() const {
    httplib::Client client("127.0.0.1", port_);
    auto r = client.Get("/metrics");
    return r ? r->body : "";
  }
  HttpService& service() { return *service_; }

 private:
  std::unique_ptr<Store> store_;
  std::unique_ptr<DiagnosisBackend> backend_;
  std::unique_ptr<HttpService> service_;
  int port_ = 0;
  std::thread thread_;
};

// The text as the library writes the same document: keys sorted, compact.
std::string Canonical(const std::string& text) {
  return DumpJson(nlohmann::json::parse(text));
}

TEST_CASE("answers over HTTP are the bytes DumpJson writes, and feed metrics and the audit log") {
  const std::string audit = TempPath("answer-http-audit.db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((audit + suffix).c_str());
  const std::vector<std::string> asks = {
      R"({"asker": "u-adam", "question": "why can't jamie log in?", "subject": {"user": "u-jamie"}})",
      R"({"asker": "u-jamie", "question": "I cannot sign in since this morning"})",
      R"({"asker": "u-adam", "question": "why can't Jamie Smith log in?"})",
      R"({"asker": "u-adam", "question": "why can't my learner log in?"})",
      R"({"asker": "u-adam", "question": "hello there, can I talk to a human please?"})",
      R"({"asker": "u-adam", "faq": "account-locked", "subject": {"user": "u-lola"}})",
      R"({"asker": "u-adam", "faq": "activation-email-not-received", "subject": {"user": "u-liam"}})",
      R"({"asker": "u-mark", "question": "why can't my apprentice log in?", "subject": {"user": "u-jamie"}})",
      R"({"asker": "u-adam", "question": "the activation email never arrived for jamie.smith@example.org"})",
  };
  std::map<std::string, int> findings;  // cause: how many answers reported it
  int confident = 0;                    // answers with a FAQ
  std::vector<std::string> subjects;    // expected in the audit log
  {
    DemoServer server(audit);
    for (const std::string& body : asks) {
      INFO(body);
      auto r = server.Post("/v1/tenants/demo/ask", body);
      REQUIRE(r);
      REQUIRE(r->status == 200);
      CHECK(r->get_header_value("Content-Type") == "application/json");
      CHECK(r->body == Canonical(r->body));
      const nlohmann::json answer = nlohmann::json::parse(r->body);
      for (const auto& f : answer["findings"]) ++findings[f["cause"].get<std::string>()];
      confident += answer["faq"].is_object() ? 1 : 0;
      const nlohmann::json request = nlohmann::json::parse(body);
      std::string subject = answer["subject"].is_object() && answer["subject"].contains("user")
                                ? answer["subject"]["user"]["id"].get<std::string>()
                                : std::string();
      if (subject.empty() && request.contains("subject")) subject = request["subject"]["user"];
      subjects.push_back(subject);
    }
    // Triage reads the answer as a tree and extends it: still DumpJson's bytes.
    auto triage = server.Post("/v1/tenants/demo/triage",
                              R"({"subject": "locked out", "body": "why can't I log in?", "requester": "u-jamie"})");
    REQUIRE(triage);
    REQUIRE(triage->status == 200);
    CHECK(triage->body == Canonical(triage->body));
    const nlohmann::json ticket = nlohmann::json::parse(triage->body);
    CHECK(ticket["priority"] == "urgent");
    for (const auto& f : ticket["findings"]) ++findings[f["cause"].get<std::string>()];
    confident += ticket["faq"].is_object() ? 1 : 0;

    const std::string metrics = server.Metrics();
    REQUIRE(findings.count("account_locked"));
    for (const auto& [cause, n] : findings) {
      INFO(cause);
      CHECK(metrics.find("whyd_findings_total{cause=\"" + cause + "\"} " + std::to_string(n) + "\n") !=
            std::string::npos);
    }
    CHECK(confident < static_cast<int>(asks.size()) + 1);  // one asks for a human: no FAQ
    CHECK(metrics.find("whyd_match_confidence_count " + std::to_string(confident) + "\n") != std::string::npos);
    server.service().FlushAuditLog();
  }
  auto rows = SqlRows(audit, "SELECT endpoint, subject, causes, status FROM audit WHERE endpoint = 'ask' ORDER BY id");
  REQUIRE(rows.size() == asks.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    INFO(asks[i]);
    CHECK(rows[i][1] == subjects[i]);
    CHECK(rows[i][3] == "200");
  }
  CHECK(rows[0][2] == "account_locked");
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((audit + suffix).c_str());
}

}  // namespace
}  // namespace whyd::testing
