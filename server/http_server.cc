// The HTTP service; see http_server.h.
#include "server/http_server.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <optional>
#include <span>
#include <random>
#include <cctype>
#include <thread>

#include <httplib.h>

#include "server/access_log.h"
#include "server/ask_body.h"
#include "server/audit_log.h"
#include "server/auth.h"
#include "server/idempotency.h"
#include "server/json_writer.h"
#include "server/openapi.h"
#include "server/page_assets.h"
#include "server/problem.h"
#include "server/request_shape.h"
#include "server/transport.h"

namespace whyd {
namespace {

constexpr const char* kJsonType = "application/json";
constexpr size_t kIdempotencyEntries = 10000;
constexpr unsigned kAnyScope = kScopeAsk | kScopeTriage | kScopeIngest | kScopeAdmin;

// Client-sent ids are echoed and logged, so only a safe alphabet is accepted.
bool IsSafeRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != ':') {
      return false;
    }
  }
  return true;
}

std::string GenerateRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = rng();
    for (int i = 15; i >= 0; --i, bits >>= 4) id[static_cast<size_t>(half * 16 + i)] = kHex[bits & 0xf];
  }
  return id;
}

}  // namespace

// A request's headers: httplib's multimap of them, or, for a request the
// transport answered directly, the header lines it split (transport.h).
class HttpService::RequestHeaders {
 public:
  explicit RequestHeaders(const httplib::Request& req) : req_(&req) {}
  explicit RequestHeaders(std::span<const Transport::HeaderView> lines) : lines_(lines) {}

  // The value of the first header of this name (any case), as httplib's
  // get_header_value; empty when there is none.
  std::string_view Get(std::string_view name) const {
    if (req_ != nullptr) {
      auto it = req_->headers.find(std::string(name));
      return it != req_->headers.end() ? std::string_view(it->second) : std::string_view();
    }
    for (const Transport::HeaderView& line : lines_) {
      if (SameHeaderName(line.name, name)) return line.value;
    }
    return {};
  }

 private:
  static bool SameHeaderName(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if ((a[i] | 0x20) != (b[i] | 0x20)) return false;  // header names are tokens: letters, digits, '-', '_'
    }
    return true;
  }

  const httplib::Request* req_ = nullptr;
  std::span<const Transport::HeaderView> lines_;
};

namespace {

// X-Request-Id when it is safe, else the trace id of a W3C traceparent
// ("00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>"), else a new id.
template <typename Headers>
std::string RequestIdFor(const Headers& headers) {
  std::string id(headers.Get("X-Request-Id"));
  if (IsSafeRequestId(id)) return id;
  const std::string_view traceparent = headers.Get("traceparent");
  if (traceparent.size() >= 55 && traceparent[2] == '-' && traceparent[35] == '-') {
    std::string trace(traceparent.substr(3, 32));
    if (trace.find_first_not_of("0123456789abcdef") == std::string::npos &&
        trace != std::string(32, '0')) {
      return trace;
    }
  }
  return GenerateRequestId();
}

bool IsJsonContentType(std::string_view header) {
  std::string media(header.substr(0, header.find(';')));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return media == "application/json" ||
         (media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0);
}

// Backends may pass through bytes from the store; this never throws on bad
// UTF-8 (json_writer.h: the library's dump(), faster).
std::string Dump(const nlohmann::json& body) { return DumpJson(body); }

// The member at `path` of nested objects, or nullptr. (A json_pointer would
// parse its text and allocate on every call; this runs for every answer.)
const nlohmann::json* MemberAt(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* at = &j;
  for (const char* name : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(name);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

std::string StringAt(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* v = MemberAt(j, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

// Response::set_content copies the body; responses are built once and moved.
void SetBody(httplib::Response& res, std::string body, std::string_view content_type) {
  res.body = std::move(body);
  auto range = res.headers.equal_range("Content-Type");
  res.headers.erase(range.first, range.second);
  res.set_header("Content-Type", std::string(content_type));
}

}  // namespace

struct HttpService::Exchange {
  const httplib::Request& req;
  const RequestHeaders& headers;  // read these, not req.headers (empty on the direct path)
  httplib::Response& res;
  const char* route;
  std::string request_id;
  std::chrono::steady_clock::time_point start;
  std::string tenant;
  const ApiKey* key = nullptr;
  std::shared_ptr<const KeyRing> ring;  // keeps `key` alive across a reload
  std::string param;                    // the route's {tenant} or {id}
  CallContext Context(bool demo) const {
    return CallContext{request_id, key != nullptr ? key->id : "", demo};
  }
};

struct HttpService::RouteDef {
  const char* method;
  const char* path;  // OpenAPI template; see MatchTemplate() for its {parameters}
  RouteFn fn;
};

const std::vector<HttpService::RouteDef>& HttpService::Table() {
  static const std::vector<RouteDef> table = {
      {"GET", "/", &HttpService::HandlePage},
      {"GET", "/app.js", &HttpService::HandlePage},
      {"GET", "/style.css", &HttpService::HandlePage},
      {"GET", "/healthz", &HttpService::HandleHealthz},
      {"GET", "/readyz", &HttpService::HandleReadyz},
      {"GET", "/metrics", &HttpService::HandleMetrics},
      {"GET", "/openapi.json", &HttpService::HandleOpenApi},
      {"GET", "/v1/faqs", &HttpService::HandleListFaqs},
      {"GET", "/v1/faqs/{id}", &HttpService::HandleGetFaq},
      {"POST", "/v1/tenants/{tenant}/ask", &HttpService::HandleAsk},
      {"POST", "/v1/tenants/{tenant}/triage", &HttpService::HandleTriage},
      {"PUT", "/v1/tenants/{tenant}/snapshot", &HttpService::HandleSnapshot},
      {"POST", "/v1/tenants/{tenant}/records", &HttpService::HandleRecords},
      {"GET", "/v1/tenants/{tenant}/demo/users", &HttpService::HandleDemoUsers},
      {"POST", "/v1/admin/reload", &HttpService::HandleReload},
  };
  return table;
}

bool HttpService::MatchTemplate(std::string_view path_template, std::string_view path, std::string* param) {
  // A parameter is one path segment of [A-Za-z0-9._-]: at most 64 characters
  // for {tenant}, 128 for any other (FAQ ids).
  while (!path_template.empty()) {
    const size_t open = path_template.find('{');
    const std::string_view literal = path_template.substr(0, open);
    if (path.substr(0, literal.size()) != literal) return false;
    path.remove_prefix(literal.size());
    if (open == std::string_view::npos) return path.empty();
    const size_t close = path_template.find('}', open);
    const size_t limit = path_template.substr(open, close - open + 1) == "{tenant}" ? 64 : 128;
    path_template.remove_prefix(close + 1);
    size_t length = 0;
    while (length < path.size() && (std::isalnum(static_cast<unsigned char>(path[length])) ||
                                    path[length] == '.' || path[length] == '_' || path[length] == '-')) {
      ++length;
    }
    if (length == 0 || length > limit) return false;
    if (param != nullptr) param->assign(path.substr(0, length));
    path.remove_prefix(length);
  }
  return path.empty();
}

void HttpService::Route(const httplib::Request& req, const RequestHeaders& headers, httplib::Response& res) {
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : std::string_view(req.method);
  std::string param;
  for (const RouteDef& r : Table()) {
    if (method == r.method && MatchTemplate(r.path, req.path, &param)) {
      return Dispatch(r.path, r.fn, req, headers, res, std::move(param));
    }
  }
  Dispatch("(unmatched)", &HttpService::HandleUnmatched, req, headers, res, {});
}

const std::vector<RouteInfo>& HttpService::Routes() {
  static const std::vector<RouteInfo> routes = [] {
    std::vector<RouteInfo> out;
    for (const RouteDef& r : Table()) out.push_back({r.method, r.path});
    return out;
  }();
  return routes;
}

HttpService::HttpService(ServeOptions options, ServiceConfig config, Backend& backend)
    : options_(std::move(options)),
      config_(std::move(config)),
      backend_(backend),
      keys_(std::make_shared<const KeyRing>(config_.keys, config_.operators)),
      idempotency_(std::make_unique<IdempotencyCache>(options_.idempotency_ttl, kIdempotencyEntries)),
      http_(std::make_unique<Transport>(options_.threads)) {
  if (!options_.audit_path.empty()) config_.audit_path = options_.audit_path;
  // Without TCP_NODELAY small responses wait for the delayed ACK (~40 ms).
  http_->set_tcp_nodelay(true);
  http_->set_keep_alive_max_count(options_.keep_alive_max_requests);
  http_->set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  http_->set_read_timeout(options_.read_timeout_seconds, 0);
  http_->set_write_timeout(options_.write_timeout_seconds, 0);
  http_->set_payload_max_length(std::max(options_.ask_body_limit, options_.ingest_body_limit));
  // Uploads and reloads take up to seconds: they get a thread of their own so
  // that asks keep flowing on the event threads meanwhile.
  http_->set_slow_route_predicate([](std::string_view method, std::string_view path) {
    auto ends_with = [&](std::string_view tail) {
      return path.size() >= tail.size() && path.substr(path.size() - tail.size()) == tail;
    };
    return (method == "PUT" && ends_with("/snapshot")) || (method == "POST" && ends_with("/records")) ||
           path == "/v1/admin/reload";
  });
  InstallRoutes();
}

HttpService::~HttpService() = default;

void HttpService::InstallRoutes() {
  // One router for both ways a request arrives: most requests the transport
  // reads and hands to Route() itself; the rest (compressed answers, ranges,
  // chunked bodies, anything unusual) go through httplib, whose own regex
  // routing is bypassed by catch-all routes.
  http_->set_direct_handler(
      [this](const httplib::Request& req, std::span<const Transport::HeaderView> lines, httplib::Response& res) {
        Route(req, RequestHeaders(lines), res);
      });
  auto route = [this](const httplib::Request& req, httplib::Response& res) { Route(req, RequestHeaders(req), res); };
  http_->Get(".*", route);
  http_->Post(".*", route);
  http_->Put(".*", route);
  http_->Patch(".*", route);
  http_->Delete(".*", route);
  http_->Options(".*", route);

  // Errors raised by httplib itself (bad request line, body over the payload
  // limit) still leave as problem+json.
  http_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const RequestHeaders headers(req);
    Exchange ex{req, headers, res, "(transport)", RequestIdFor(headers), std::chrono::steady_clock::now()};
    const char* detail = res.status == 413 ? "the request body is larger than the server accepts"
                                           : "the request could not be read";
    SendProblem(ex, res.status, detail);
    Finish(ex);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http_->set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
        const RequestHeaders headers(req);
        Exchange ex{req, headers, res, "(exception)", RequestIdFor(headers), std::chrono::steady_clock::now()};
        SendProblem(ex, 500, "internal error");
        Finish(ex);
      });
}

void HttpService::Dispatch(const char* route, RouteFn fn, const httplib::Request& req,
                           const RequestHeaders& headers, httplib::Response& res, std::string param) {
  Exchange ex{req, headers, res, route, RequestIdFor(headers), std::chrono::steady_clock::now()};
  ex.param = std::move(param);
  try {
    (this->*fn)(ex);
  } catch (const std::exception& e) {
    // Handlers do not throw by design; this is the last line of defence.
    std::fprintf(stderr, "whyd: request %s failed: %s\n", ex.request_id.c_str(), e.what());
    SendProblem(ex, 500, "internal error");
  }
  Finish(ex);
}

void HttpService::Finish(Exchange& ex) {
  ex.res.set_header("X-Request-Id", ex.request_id);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ex.start).count();
  metrics_.ObserveRequest(ex.route, ex.req.method, ex.res.status, seconds);
  if (access_log_) {
    access_log_->Write(AccessRecord{ex.request_id, ex.req.method, ex.req.path, ex.route, ex.res.status,
                                    seconds * 1000.0, ex.tenant, ex.key != nullptr ? ex.key->id : "",
                                    ex.res.body.size()});
  }
}

void HttpService::SendJson(Exchange& ex, int status, const nlohmann::json& body) {
  ex.res.status = status;
  SetBody(ex.res, Dump(body), kJsonType);
}

void HttpService::SendProblem(Exchange& ex, int status, std::string_view detail,
                              const std::vector<FieldError>& errors) {
  ex.res.status = status;
  if (status == 401) ex.res.set_header("WWW-Authenticate", "Bearer");
  SetBody(ex.res, Dump(MakeProblem(status, detail, errors)), kProblemContentType);
}

void HttpService::SendReply(Exchange& ex, Reply reply) {
  if (reply.ok() && !reply.body_text.empty()) {  // already JSON: sent as it is
    ex.res.status = 200;
    return SetBody(ex.res, std::move(reply.body_text), kJsonType);
  }
  if (reply.ok()) return SendJson(ex, 200, reply.body);
  const int status = HttpStatusFor(reply.status);
  if (status == 403) return SendProblem(ex, 403, kForbiddenDetail);
  if (status == 500) {
    std::fprintf(stderr, "whyd: request %s: %s\n", ex.request_id.c_str(), reply.status.ToString().c_str());
    return SendProblem(ex, 500, "internal error");
  }
  SendProblem(ex, status, reply.status.message(), reply.errors);
}

bool HttpService::Authorize(Exchange& ex, unsigned scope) {
  ex.ring = keys_.load();
  const std::string_view header = ex.headers.Get("Authorization");
  return Admit(ex, ex.tenant.empty() ? ex.ring->AuthorizeAnyTenant(header, scope)
                                     : ex.ring->Authorize(header, ex.tenant, scope));
}

bool HttpService::AuthorizeOperator(Exchange& ex) {
  ex.ring = keys_.load();
  return Admit(ex, ex.ring->AuthorizeOperator(ex.headers.Get("Authorization")));
}

bool HttpService::Admit(Exchange& ex, StatusOr<const ApiKey*> key) {
  if (key.ok()) {
    ex.key = *key;
    return true;
  }
  if (key.status().code() == StatusCode::kUnauthenticated) {
    SendProblem(ex, 401, key.status().message());
  } else {
    SendProblem(ex, 403, kForbiddenDetail);
  }
  return false;
}

bool HttpService::ParseJsonBody(Exchange& ex, size_t limit, nlohmann::json* out) {
  return AdmitJsonBody(ex, limit) && ParseAdmittedBody(ex, out);
}

bool HttpService::AdmitJsonBody(Exchange& ex, size_t limit) {
  if (ex.req.body.size() > limit) {
    SendProblem(ex, 413, "the body is " + std::to_string(ex.req.body.size()) +
                             " bytes; this endpoint accepts at most " + std::to_string(limit));
    return false;
  }
  if (!IsJsonContentType(ex.headers.Get("Content-Type"))) {
    SendProblem(ex, 415, "send the body as Content-Type: application/json");
    return false;
  }
  return true;
}

bool HttpService::ParseAdmittedBody(Exchange& ex, nlohmann::json* out) {
  StatusOr<nlohmann::json> parsed = whyd::ParseJsonBody(ex.req.body);
  if (!parsed.ok()) {
    SendProblem(ex, parsed.status().code() == StatusCode::kResourceExhausted ? 413 : 400,
                parsed.status().message());
    return false;
  }
  *out = std::move(*parsed);
  return true;
}

// --- Routes without a tenant ---

void HttpService::HandlePage(Exchange& ex) {
  const std::string name = ex.req.path == "/" ? "index.html" : ex.req.path.substr(1);
  const PageAsset* asset = FindPageAsset(name);
  if (asset == nullptr) return SendProblem(ex, 404, "no such page");
  ex.res.status = 200;
  SetBody(ex.res, std::string(asset->body), asset->content_type);
  ex.res.set_header("Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    "frame-ancestors 'none'");
  ex.res.set_header("X-Content-Type-Options", "nosniff");
  ex.res.set_header("Referrer-Policy", "no-referrer");
}

void HttpService::HandleHealthz(Exchange& ex) { SendJson(ex, 200, {{"status", "ok"}}); }

void HttpService::HandleReadyz(Exchange& ex) {
  std::string why;
  if (backend_.Ready(&why)) return SendJson(ex, 200, {{"status", "ready"}});
  SendProblem(ex, 503, why.empty() ? "not ready" : why);
}

void HttpService::HandleMetrics(Exchange& ex) {
  ex.res.status = 200;
  SetBody(ex.res, metrics_.Render(), "text/plain; version=0.0.4; charset=utf-8");
}

void HttpService::HandleOpenApi(Exchange& ex) {
  ex.res.status = 200;
  SetBody(ex.res, std::string(OpenApiDocument()), kJsonType);
}

void HttpService::HandleListFaqs(Exchange& ex) {
  if (!Authorize(ex, kAnyScope)) return;
  SendReply(ex, backend_.ListFaqs());
}

void HttpService::HandleGetFaq(Exchange& ex) {
  if (!Authorize(ex, kAnyScope)) return;
  SendReply(ex, backend_.GetFaq(ex.param));
}

// Reload changes what every tenant is served, so no tenant's key may do it.
void HttpService::HandleReload(Exchange& ex) {
  if (!AuthorizeOperator(ex)) return;
  SendReply(ex, Reload());
}

void HttpService::HandleUnmatched(Exchange& ex) {
  std::string allow;
  for (const RouteDef& r : Table()) {
    if (MatchTemplate(r.path, ex.req.path, nullptr)) {
      if (!allow.empty()) allow += ", ";
      allow += r.method;
      if (std::string(r.method) == "GET") allow += ", HEAD";
    }
  }
  if (allow.empty()) return SendProblem(ex, 404, "no such endpoint: " + ex.req.path);
  ex.res.set_header("Allow", allow);
  SendProblem(ex, 405, ex.req.method + " is not allowed here; use " + allow);
}

// --- Tenant routes ---

void HttpService::HandleAsk(Exchange& ex) {
  ex.tenant = ex.param;
  if (!Authorize(ex, kScopeAsk) || !AdmitJsonBody(ex, options_.ask_body_limit)) return;
  // An ordinary body is read in one pass (ask_body.h); any other goes through
  // the JSON tree, which answers the errors.
  std::optional<AskRequest> request = ParsePlainAskBody(ex.req.body);
  if (!request && !(request = ReadAskTree(ex))) return;
  request->tenant = ex.tenant;
  Reply reply = backend_.Ask(*request, ex.Context(options_.demo));
  RecordAnswer(ex, "ask", request->asker, request->subject_user, request->subject_email, reply);
  SendReply(ex, std::move(reply));
}

std::optional<AskRequest> HttpService::ReadAskTree(Exchange& ex) {
  nlohmann::json body;
  if (!ParseAdmittedBody(ex, &body)) return std::nullopt;
  if (auto errors = CheckAskRequest(body); !errors.empty()) {
    SendProblem(ex, 422, "the ask request is invalid", errors);
    return std::nullopt;
  }
  std::vector<FieldError> errors;
  StatusOr<AskRequest> request = ParseCheckedAskRequest(body, &errors);
  if (!request.ok()) {
    // Refused as a Backend refuses an ask (it did, when it converted the
    // body itself): audited, and sent as a 422 with the errors.
    Reply reply = Reply::Fail(request.status(), std::move(errors));
    RecordAnswer(ex, "ask", StringAt(body, {"asker"}), StringAt(body, {"subject", "user"}),
                 StringAt(body, {"subject", "email"}), reply);
    SendReply(ex, std::move(reply));
    return std::nullopt;
  }
  return std::move(*request);
}

void HttpService::HandleTriage(Exchange& ex) {
  ex.tenant = ex.param;
  nlohmann::json request;
  if (!Authorize(ex, kScopeTriage) || !ParseJsonBody(ex, options_.ask_body_limit, &request)) return;
  if (auto errors = CheckTriageRequest(request); !errors.empty()) {
    return SendProblem(ex, 422, "the triage request is invalid", errors);
  }
  std::string delivery(ex.headers.Get("Idempotency-Key"));
  if (delivery.empty()) delivery = ex.headers.Get("X-Delivery-Id");
  const std::string cache_key = ex.tenant + '\n' + ex.key->id + '\n' + delivery;
  if (!delivery.empty()) {
    CachedResponse cached;
    switch (idempotency_->Find(cache_key, ex.req.body, &cached)) {
      case IdempotencyCache::Lookup::kHit:
        ex.res.status = cached.status;
        ex.res.set_content(cached.body, cached.content_type);
        ex.res.set_header("Idempotent-Replayed", "true");
        return;
      case IdempotencyCache::Lookup::kConflict:
        return SendProblem(ex, 422, "this Idempotency-Key was used with a different request body",
                           {{"/", "body differs from the first delivery with this key"}});
      case IdempotencyCache::Lookup::kMiss:
        break;
    }
  }
  Reply reply = backend_.Triage(ex.tenant, request, ex.Context(options_.demo));
  RecordAnswer(ex, "triage", StringAt(request, {"requester"}), "", "", reply);
  SendReply(ex, std::move(reply));
  if (!delivery.empty() && ex.res.status < 500) {
    idempotency_->Store(cache_key, ex.req.body,
                        {ex.res.status, ex.res.get_header_value("Content-Type"), ex.res.body});
  }
}

void HttpService::HandleSnapshot(Exchange& ex) {
  ex.tenant = ex.param;
  nlohmann::json snapshot;
  if (!Authorize(ex, kScopeIngest) || !ParseJsonBody(ex, options_.ingest_body_limit, &snapshot)) return;
  if (auto errors = CheckSnapshotRequest(snapshot); !errors.empty()) {
    return SendProblem(ex, 422, "the snapshot is invalid", errors);
  }
  SendReply(ex, backend_.PutSnapshot(ex.tenant, std::move(snapshot), ex.req.body, ex.Context(options_.demo)));
}

void HttpService::HandleRecords(Exchange& ex) {
  ex.tenant = ex.param;
  nlohmann::json records;
  if (!Authorize(ex, kScopeIngest) || !ParseJsonBody(ex, options_.ingest_body_limit, &records)) return;
  if (auto errors = CheckRecordsRequest(records); !errors.empty()) {
    return SendProblem(ex, 422, "the records request is invalid", errors);
  }
  SendReply(ex, backend_.ApplyRecords(ex.tenant, std::move(records), ex.req.body, ex.Context(options_.demo)));
}

void HttpService::HandleDemoUsers(Exchange& ex) {
  ex.tenant = ex.param;
  if (!Authorize(ex, kScopeAsk)) return;
  if (!options_.demo) return SendProblem(ex, 404, "demo endpoints are served only with --demo");
  SendReply(ex, backend_.DemoUsers(ex.tenant, ex.Context(true)));
}

// Feeds metrics and the audit log from an answer. The question text is never
// recorded: only who asked about whom and what was found.
void HttpService::RecordAnswer(Exchange& ex, const char* endpoint, std::string_view asker,
                               std::string_view subject_user, std::string_view subject_email,
                               const Reply& reply) {
  std::vector<std::string> causes;
  std::string faq;
  std::string subject;
  if (reply.ok() && reply.digest) {  // an answer sent as text
    for (const std::string& cause : reply.digest->causes) {
      if (cause.empty()) continue;
      metrics_.ObserveFinding(cause);
      causes.push_back(cause);
    }
    faq = reply.digest->faq;
    if (reply.digest->confidence) metrics_.ObserveMatchConfidence(*reply.digest->confidence);
    subject = reply.digest->subject_user;
  } else if (reply.ok() && reply.body.is_object()) {
    if (auto f = reply.body.find("findings"); f != reply.body.end() && f->is_array()) {
      for (const auto& finding : *f) {
        std::string cause = StringAt(finding, {"cause"});
        if (cause.empty()) continue;
        metrics_.ObserveFinding(cause);
        causes.push_back(std::move(cause));
      }
    }
    faq = StringAt(reply.body, {"faq", "id"});
    if (const nlohmann::json* confidence = MemberAt(reply.body, {"faq", "confidence"});
        confidence != nullptr && confidence->is_number()) {
      metrics_.ObserveMatchConfidence(confidence->get<double>());
    }
    subject = StringAt(reply.body, {"subject", "user", "id"});
  }
  if (!audit_log_) return;
  if (subject.empty()) subject = subject_user;
  if (subject.empty()) subject = subject_email;
  if (!audit_log_->Record(AuditEntry{0, ex.request_id, ex.tenant, ex.key != nullptr ? ex.key->id : "",
                                     endpoint, std::string(asker), subject, faq, std::move(causes),
                                     HttpStatusFor(reply.status)})) {
    metrics_.ObserveAuditDropped();
  }
}

// --- Lifecycle ---

namespace {

// "file:3:5: reason" lines -> {path, reason} errors.
std::vector<FieldError> ErrorsFromMessage(const std::string& message) {
  std::vector<FieldError> errors;
  size_t start = 0;
  while (start < message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    const std::string line = message.substr(start, end - start);
    const size_t sep = line.find(": ");
    if (!line.empty()) {
      errors.push_back(sep == std::string::npos ? FieldError{"", line}
                                                : FieldError{line.substr(0, sep), line.substr(sep + 2)});
    }
    start = end + 1;
  }
  return errors;
}

Reply ReloadFailed(const char* what, const Reply& cause) {
  std::fprintf(stderr, "whyd: reload failed (%s), the previous rules and config keep serving:%s%s\n", what,
               cause.errors.empty() ? " " : "", cause.errors.empty() ? cause.status.message().c_str() : "");
  for (const auto& e : cause.errors) std::fprintf(stderr, "  %s: %s\n", e.path.c_str(), e.reason.c_str());
  return Reply::Fail(InvalidArgumentError(std::string("the ") + what +
                                          " did not load; the previous rules and config keep serving"),
                     cause.errors);
}

}  // namespace

Reply HttpService::Reload() {
  std::lock_guard<std::mutex> lock(reload_mu_);
  std::optional<ServiceConfig> config;
  if (options_.config_loader) {
    StatusOr<ServiceConfig> loaded = options_.config_loader();
    if (!loaded.ok()) {
      metrics_.ObserveReload(false);
      const Status& status = loaded.status();
      return ReloadFailed("config", Reply::Fail(status, ErrorsFromMessage(status.message())));
    }
    config = std::move(*loaded);
  }
  Reply rules = backend_.Reload();
  metrics_.ObserveReload(rules.ok());
  if (!rules.ok()) {
    if (rules.errors.empty()) rules.errors = ErrorsFromMessage(rules.status.message());
    return ReloadFailed("rule packs", rules);
  }
  nlohmann::json body = {{"reloaded", {"rules"}}, {"rules", std::move(rules.body)}};
  if (config) {
    keys_.store(std::make_shared<const KeyRing>(config->keys, config->operators));
    body["reloaded"].push_back("config");
    body["config"] = {{"tenants", config->tenants.size()},
                      {"keys", config->keys.size()},
                      {"operators", config->operators.size()}};
    // The audit log is opened once, at Bind(); a new place or retention for
    // it waits for a restart, and the reply says so.
    const std::string audit_path = options_.audit_path.empty() ? config->audit_path : options_.audit_path;
    if (audit_path != config_.audit_path || config->audit_retention_days != config_.audit_retention_days) {
      body["config"]["restart_needed"] = {"audit"};
    }
  }
  std::fprintf(stderr, "whyd: reloaded: %s\n", Dump(body).c_str());
  return Reply::Ok(std::move(body));
}

void HttpService::FlushAuditLog() {
  if (audit_log_) audit_log_->Flush();
}

StatusOr<int> HttpService::Bind() {
  StatusOr<std::unique_ptr<AccessLog>> access = AccessLog::Open(options_.access_log);
  if (!access.ok()) return access.status();
  access_log_ = std::move(*access);
  if (!config_.audit_path.empty()) {
    StatusOr<std::unique_ptr<AuditLog>> audit = AuditLog::Open(config_.audit_path, config_.audit_retention_days);
    if (!audit.ok()) return audit.status();
    audit_log_ = std::move(*audit);
  }
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
    if (port < 0) return UnavailableError("cannot bind " + options_.host + " to any port");
  } else if (!http_->bind_to_port(options_.host, port)) {
    return UnavailableError("cannot listen on " + options_.host + ":" + std::to_string(port) +
                            " (in use, or not a local address)");
  }
  if (!http_->WidenListenBacklog()) return UnavailableError("cannot resize the listen queue");
  return port;
}

Status HttpService::Serve() {
  // Run returns once Stop() is called and every request read before it has
  // been answered.
  if (!http_->Run()) return UnavailableError("the listening socket failed");
  if (audit_log_) audit_log_->Flush();
  return OkStatus();
}

void HttpService::Stop() { http_->Drain(); }

int RunServer(const ServeOptions& options, const ServiceConfig& config, Backend& backend) {
  // Block the signals before any thread starts, so that only the signal thread
  // below receives them (sigwait) and no handler runs in a request thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGUSR1);  // internal: wakes the signal thread on exit
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  HttpService service(options, config, backend);
  StatusOr<int> port = service.Bind();
  if (!port.ok()) {
    std::fprintf(stderr, "whyd serve: %s\n", port.status().message().c_str());
    return 2;
  }
  std::printf("whyd: listening on http://%s:%d/\n", options.host.c_str(), *port);
  if (!options.demo_key.empty()) {
    // The key goes in the fragment: browsers do not send it, so it is in no log.
    std::printf("whyd: page: http://%s:%d/#tenant=demo&key=%s\n", options.host.c_str(), *port,
                options.demo_key.c_str());
  }
  std::fflush(stdout);

  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        (void)service.Reload();
        continue;
      }
      if (sig == SIGTERM || sig == SIGINT) {
        std::fprintf(stderr, "whyd: %s received, draining requests in flight\n",
                     sig == SIGTERM ? "SIGTERM" : "SIGINT");
        service.Stop();
      }
      return;
    }
  });
  Status served = service.Serve();
  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
  if (!served.ok()) {
    std::fprintf(stderr, "whyd serve: %s\n", served.message().c_str());
    return 2;
  }
  std::fprintf(stderr, "whyd: stopped\n");
  return 0;
}

}  // namespace whyd
