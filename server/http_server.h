// The HTTP service of `whyd serve`: routes of docs api.md over a Backend.
//
// HttpService owns the transport (cpp-httplib), authentication, request shape
// checks, body limits, problem+json errors, request ids, the access and audit
// logs, metrics, idempotent triage and the embedded self-service page. What an
// answer says is the Backend's business (server/backend.h).
//
// Lifecycle: construct, Bind() (port 0 picks a free port), Serve() on some
// thread; Stop() from any thread makes Serve() stop accepting, close idle
// keep-alive connections at once, finish the requests in flight and return
// (server/transport.h). RunServer() wraps this for the command line with
// signal handling (SIGHUP reloads; SIGTERM/SIGINT drain and exit 0).
//
// Thread-safety: Serve() runs handlers on the transport's event threads and,
// for uploads and reloads, threads of their own; Stop() and
// Reload() may be called from any thread.
#ifndef WHYD_SERVER_HTTP_SERVER_H_
#define WHYD_SERVER_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "server/backend.h"
#include "server/config.h"
#include "server/metrics.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace whyd {

class AccessLog;
class AuditLog;
class IdempotencyCache;
class KeyRing;
class Transport;

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                 // 0: any free port
  std::string db_path;             // account-state store (backend)
  std::string rules_dir = "rules"; // rule packs (backend)
  std::string config_path;         // service config (config.h); empty: no keys
  bool demo = false;               // demo tenant, demo key, demo-only endpoints
  bool fake_backend = false;       // tests only: canned answers (fake_backend.h)
  std::string demo_key;            // demo: printed with the page URL once bound
  std::string access_log = "-";    // "-" stderr, "off", or a file
  std::string audit_path;          // overrides the config's audit.path when set
  size_t threads = 0;              // event threads answering requests; 0: one per core
  size_t ask_body_limit = 1 << 20;      // ask, triage
  size_t ingest_body_limit = 16 << 20;  // snapshot, records
  int read_timeout_seconds = 5;
  int write_timeout_seconds = 5;
  int keep_alive_timeout_seconds = 5;
  size_t keep_alive_max_requests = 100000;
  std::chrono::seconds idempotency_ttl{600};
  // Reads the service config again on SIGHUP and POST /v1/admin/reload
  // (cmd_serve: the --config file plus the demo key). Empty: the config given
  // at construction stays and reloads are of the rules alone.
  std::function<StatusOr<ServiceConfig>()> config_loader;
};

// One route the server answers; the OpenAPI document lists exactly these.
struct RouteInfo {
  std::string method;    // "GET", "POST", "PUT"
  std::string path;      // OpenAPI template: "/v1/tenants/{tenant}/ask"
};

class HttpService {
 public:
  HttpService(ServeOptions options, ServiceConfig config, Backend& backend);
  ~HttpService();
  HttpService(const HttpService&) = delete;
  HttpService& operator=(const HttpService&) = delete;

  // Opens logs and binds the listening socket; returns the bound port.
  StatusOr<int> Bind();
  // Serves until Stop(); returns after in-flight requests have completed.
  Status Serve();
  void Stop();

  // Reloads the rule packs (Backend::Reload) and, with a config_loader, the
  // keys and tenants, all or nothing: the config is read and checked first,
  // then the rules compile and swap in, then the new keys. When either fails
  // the previous rules and keys keep serving and the reply lists the errors.
  // Counted in metrics and logged; used by SIGHUP and POST /v1/admin/reload.
  // Reloads run one at a time.
  Reply Reload();

  // Waits until queued audit rows are written (tests).
  void FlushAuditLog();

  const Metrics& metrics() const { return metrics_; }
  static const std::vector<RouteInfo>& Routes();

 private:
  struct Exchange;  // per-request state: ids, timing, tenant, key
  class RequestHeaders;  // a request's headers, wherever the transport left them
  using RouteFn = void (HttpService::*)(Exchange&);
  struct RouteDef;
  static const std::vector<RouteDef>& Table();

  void InstallRoutes();
  // Finds the route of a request and dispatches it, or answers 404/405.
  void Route(const httplib::Request& req, const RequestHeaders& headers, httplib::Response& res);
  // Whether `path` fits a route template such as "/v1/tenants/{tenant}/ask";
  // sets *param (when given) to the value of its one {parameter}.
  static bool MatchTemplate(std::string_view path_template, std::string_view path, std::string* param);
  void Dispatch(const char* route, RouteFn fn, const httplib::Request& req, const RequestHeaders& headers,
                httplib::Response& res, std::string param);
  void Finish(Exchange& ex);

  // Route handlers.
  void HandlePage(Exchange& ex);
  void HandleHealthz(Exchange& ex);
  void HandleReadyz(Exchange& ex);
  void HandleMetrics(Exchange& ex);
  void HandleOpenApi(Exchange& ex);
  void HandleListFaqs(Exchange& ex);
  void HandleGetFaq(Exchange& ex);
  void HandleAsk(Exchange& ex);
  void HandleTriage(Exchange& ex);
  void HandleSnapshot(Exchange& ex);
  void HandleRecords(Exchange& ex);
  void HandleDemoUsers(Exchange& ex);
  void HandleReload(Exchange& ex);
  void HandleUnmatched(Exchange& ex);

  // Shared steps; each returns false after writing an error response.
  bool Authorize(Exchange& ex, unsigned scope);
  bool AuthorizeOperator(Exchange& ex);
  bool Admit(Exchange& ex, StatusOr<const ApiKey*> key);
  // The size limit (413) and content type (415), then the JSON (400, or 413
  // when nested too deep). ParseJsonBody is the two in turn.
  bool ParseJsonBody(Exchange& ex, size_t limit, nlohmann::json* out);
  bool AdmitJsonBody(Exchange& ex, size_t limit);
  bool ParseAdmittedBody(Exchange& ex, nlohmann::json* out);
  // An ask body that ParsePlainAskBody declined: parsed as a JSON tree,
  // checked and converted; nullopt after the error response is sent.
  std::optional<AskRequest> ReadAskTree(Exchange& ex);
  void SendJson(Exchange& ex, int status, const nlohmann::json& body);
  void SendProblem(Exchange& ex, int status, std::string_view detail,
                   const std::vector<FieldError>& errors = {});
  void SendReply(Exchange& ex, Reply reply);
  // `asker` and the subject are the request's, for the audit log.
  void RecordAnswer(Exchange& ex, const char* endpoint, std::string_view asker,
                    std::string_view subject_user, std::string_view subject_email, const Reply& reply);

  ServeOptions options_;
  ServiceConfig config_;
  Backend& backend_;
  Metrics metrics_;
  // Swapped whole by Reload(); a request keeps the ring it authorized with.
  std::atomic<std::shared_ptr<const KeyRing>> keys_;
  std::mutex reload_mu_;
  std::unique_ptr<AccessLog> access_log_;
  std::unique_ptr<AuditLog> audit_log_;
  std::unique_ptr<IdempotencyCache> idempotency_;
  std::unique_ptr<Transport> http_;
};

// Runs the service until SIGTERM or SIGINT (drains, returns 0); SIGHUP reloads
// the rules and the config (HttpService::Reload). Prints the listening URL on stdout. Returns 2 when it cannot start.
int RunServer(const ServeOptions& options, const ServiceConfig& config, Backend& backend);

}  // namespace whyd

#endif  // WHYD_SERVER_HTTP_SERVER_H_
