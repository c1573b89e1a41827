// Parsing of ask bodies; see ask_request.h.
#include "server/ask_request.h"

#include "engine/time_util.h"

namespace whyd {
namespace {

// Reads a body whose shape CheckAskRequest has judged, appending to `errors`
// what only conversion can tell. Every read checks its type, so an unchecked
// body is read safely too.
StatusOr<AskRequest> ConvertAskRequest(const nlohmann::json& body, std::vector<FieldError>* errors) {
  if (!body.is_object()) return InvalidArgumentError("invalid ask request");
  auto text = [&](const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  AskRequest request;
  request.question = text(body, "question");
  request.faq = text(body, "faq");
  request.asker = text(body, "asker");
  if (body.contains("asker") && request.asker.empty()) {
    errors->push_back({"/asker", "must be a non-empty string (a user id)"});
  }
  if (request.faq.empty() && body.contains("question") &&
      request.question.find_first_not_of(" \t\r\n") == std::string::npos) {
    errors->push_back({"/question", "is blank; ask a question or give a faq"});
  }
  if (auto subject = body.find("subject"); subject != body.end() && subject->is_object()) {
    request.subject_user = text(*subject, "user");
    request.subject_email = text(*subject, "email");
    request.other_user = text(*subject, "other_user");
  }
  if (auto attachment = body.find("attachment"); attachment != body.end() && attachment->is_object()) {
    if (auto csv = attachment->find("csv"); csv != attachment->end() && csv->is_string()) {
      request.csv = csv->get<std::string>();
    }
    if (auto api = attachment->find("api_request"); api != attachment->end() && api->is_object()) {
      request.api_request = api->dump();
    }
  }
  if (auto as_of = body.find("as_of"); as_of != body.end() && as_of->is_string()) {
    request.as_of = ParseTimestamp(as_of->get_ref<const std::string&>());
    if (!request.as_of) {
      errors->push_back({"/as_of", "must be an ISO-8601 UTC timestamp such as 2026-11-29T10:00:00Z"});
    }
  }
  if (!errors->empty()) return InvalidArgumentError("invalid ask request");
  return request;
}

}  // namespace

StatusOr<AskRequest> ParseAskRequest(const nlohmann::json& body, std::vector<FieldError>* errors) {
  *errors = CheckAskRequest(body);
  return ConvertAskRequest(body, errors);
}

StatusOr<AskRequest> ParseCheckedAskRequest(const nlohmann::json& body, std::vector<FieldError>* errors) {
  errors->clear();
  return ConvertAskRequest(body, errors);
}

}  // namespace whyd
