// AskRequest: the body of `POST /v1/tenants/{tenant}/ask` (shared/spec/api.md),
// parsed and checked once, for the HTTP API and `whyd ask` alike.
//
// Parsing never throws: every problem is reported with the JSON pointer of the
// offending field ("/subject/user") and why, so a client can fix its request.
// The shape rules (types, required and unknown keys) are CheckAskRequest's
// (request_shape.h), the same the HTTP layer applies; parsing adds what only
// conversion can tell (a timestamp that does not parse, a blank question).
//
// Thread-safety: values and pure functions.
#ifndef WHYD_SERVER_ASK_REQUEST_H_
#define WHYD_SERVER_ASK_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/status.h"
#include "knowledge/store.h"
#include "server/request_shape.h"

namespace whyd {

struct AskRequest {
  std::string tenant;
  std::string question;      // free text; may be empty when `faq` is given
  std::string faq;           // skip question matching when set
  std::string asker;         // user id of the person asking
  std::string subject_user;  // user id or email
  std::string other_user;    // user id or email (user+user subjects)
  std::string subject_email; // an address asked about (email FAQs)
  std::optional<std::string> csv;          // attached learner-import CSV
  std::optional<std::string> api_request;  // attached user-creation request, as JSON text
  std::optional<int64_t> as_of;            // evaluate at this time instead of now
};

// Parses an ask body. On failure the status is kInvalidArgument and `errors`
// lists each problem with its path.
StatusOr<AskRequest> ParseAskRequest(const nlohmann::json& body, std::vector<FieldError>* errors);

// As ParseAskRequest, for a body that CheckAskRequest has passed (as the HTTP
// layer does before a Backend sees it): the shape is not checked again, only
// what conversion tells. Given an unchecked body it still never throws, but
// may accept what CheckAskRequest would refuse.
StatusOr<AskRequest> ParseCheckedAskRequest(const nlohmann::json& body, std::vector<FieldError>* errors);

}  // namespace whyd

#endif  // WHYD_SERVER_ASK_REQUEST_H_
