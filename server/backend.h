// The seam between the HTTP layer and the diagnosis pipeline.
//
// The HTTP layer (http_server.h) owns everything that is pure HTTP/JSON: keys,
// scopes, body limits, content types, the JSON shape of requests (field types,
// required fields, JSON paths in errors), problem+json, logs and metrics. A
// Backend owns meaning: question matching, visibility, the store, the rules.
// The server hands a Backend request bodies whose shape it has already checked
// (an ask as the AskRequest it read from the body), and maps the Reply's
// Status to an HTTP status:
//
//   kInvalidArgument    422 (with `errors`)      kNotFound           404
//   kPermissionDenied   403 (one fixed body)     kResourceExhausted  413
//   kFailedPrecondition 409                      kUnavailable        503
//   kUnauthenticated    401                      anything else       500
//
// For kPermissionDenied the server ignores the message and always sends the same
// body, so that "may not see" and "does not exist" cannot be told apart.
//
// Thread-safety: the server calls every method from many threads at once;
// implementations must be thread-safe. Reload() may run concurrently with
// requests: build the new rule set aside and swap it in atomically.
#ifndef WHYD_SERVER_BACKEND_H_
#define WHYD_SERVER_BACKEND_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/status.h"
#include "server/ask_request.h"

namespace whyd {

// FieldError (engine/status.h): one reason a piece of input was rejected.

// What the server's metrics and audit log read from an answer (api.md), for
// an answer sent as text: the matched FAQ, its confidence, the subject user
// and the findings' causes.
struct AnswerDigest {
  std::string faq;                  // empty: no FAQ matched
  std::optional<double> confidence; // the FAQ's, when one matched
  std::string subject_user;         // subject.user.id; empty: none
  std::vector<std::string> causes;  // of the findings, most severe first
};

// The outcome of a backend call: a 200 body, or a Status plus the field errors
// that explain it. A 200 body is either `body`, or `body_text` when the
// backend wrote the JSON itself (an answer: no tree is built to be dumped);
// the server sends `body_text` as it is when it is not empty, and then reads
// `digest` rather than `body` for its metrics and audit log.
struct Reply {
  Status status;
  nlohmann::json body;
  std::vector<FieldError> errors;
  std::string body_text;                // compact JSON; empty: send `body`
  std::optional<AnswerDigest> digest;   // with body_text, for an answer

  bool ok() const { return status.ok(); }
  static Reply Ok(nlohmann::json b) { return Reply{OkStatus(), std::move(b), {}}; }
  static Reply OkText(std::string text, std::optional<AnswerDigest> digest = std::nullopt) {
    return Reply{OkStatus(), nullptr, {}, std::move(text), std::move(digest)};
  }
  static Reply Fail(Status s, std::vector<FieldError> e = {}) {
    return Reply{std::move(s), nullptr, std::move(e)};
  }
};

// Who is calling, as established by the HTTP layer. Never contains the key.
struct CallContext {
  std::string request_id;  // echoed in X-Request-Id and logged
  std::string key_id;      // the config name of the API key
  bool demo = false;       // the server runs in demo mode
};

class Backend {
 public:
  virtual ~Backend() = default;

  // POST /v1/tenants/{tenant}/ask. `request` is the body as ParseAskRequest
  // reads it (ask_request.h), without errors, and `request.tenant` the path's
  // tenant: `asker` is not empty, `question` is not blank unless `faq` is
  // given, `as_of` parsed, so an implementation need not check again. The
  // body is the answer of api.md, in `body` or, with its digest, in
  // `body_text`.
  virtual Reply Ask(const AskRequest& request, const CallContext& ctx) = 0;

  // POST /v1/tenants/{tenant}/triage. `request` has string `subject`, `body`
  // and `requester`.
  virtual Reply Triage(const std::string& tenant, const nlohmann::json& request,
                       const CallContext& ctx) = 0;

  // PUT /v1/tenants/{tenant}/snapshot: replace the tenant's account state, all
  // or nothing. On invalid input return kInvalidArgument with every error found.
  // The body is the counts applied, e.g. {"users": 120, "groups": 8}.
  // `text` is the request body `snapshot` was parsed from: a store can keep
  // the client's own bytes without serialising a large document again, and
  // free `snapshot` (given by value) before it parses the text itself, so that
  // a large body's two parsed forms never coexist.
  virtual Reply PutSnapshot(const std::string& tenant, nlohmann::json snapshot, std::string_view text,
                            const CallContext& ctx) = 0;

  // POST /v1/tenants/{tenant}/records: {"upsert": {...}, "delete": {...}}, all
  // or nothing, validated like a snapshot. The body is the counts applied.
  virtual Reply ApplyRecords(const std::string& tenant, nlohmann::json records, std::string_view text,
                             const CallContext& ctx) = 0;

  // GET /v1/faqs: {"faqs": [{"id", "title", "subject", "causes": [...]}]}.
  virtual Reply ListFaqs() = 0;

  // GET /v1/faqs/{id}: {"id", "title", "subject", "answer", "causes": [...]};
  // kNotFound for an unknown id.
  virtual Reply GetFaq(const std::string& id) = 0;

  // GET /v1/tenants/{tenant}/demo/users: users the self-service page offers as
  // "who are you" in demo mode: {"users": [{"id", "display", "type"}]}. Outside
  // demo mode, kNotFound.
  virtual Reply DemoUsers(const std::string& tenant, const CallContext& ctx) = 0;

  // GET /readyz: true when rules and store are loaded; otherwise `why` says what
  // is missing.
  virtual bool Ready(std::string* why) = 0;

  // SIGHUP and POST /v1/admin/reload: compile the rule set again and swap it in.
  // On failure keep serving the old set and return kInvalidArgument (or
  // kFailedPrecondition) with one FieldError per problem ({path: file:line}).
  // The body on success describes what is loaded, e.g. {"faqs": 29, "rules": 140}.
  virtual Reply Reload() = 0;
};

}  // namespace whyd

#endif  // WHYD_SERVER_BACKEND_H_
