// Parsing of ask bodies; see ask_request.h.
#include "server/ask_request.h"

#include "engine/time_util.h"

namespace whyd {
namespace {

// Reads an optional string member; records an error when present with another type.
bool OptionalString(const nlohmann::json& object, const char* key, const std::string& path,
                    std::string* out, std::vector<FieldError>* errors) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) {
    errors->push_back({path + "/" + key, std::string("must be a string, not ") + it->type_name()});
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

void CheckKeys(const nlohmann::json& object, const std::string& path,
               std::initializer_list<const char*> allowed, std::vector<FieldError>* errors) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* k : allowed) known = known || it.key() == k;
    if (!known) errors->push_back({path + "/" + it.key(), "unknown key"});
  }
}

}  // namespace

StatusOr<AskRequest> ParseAskRequest(const nlohmann::json& body, std::vector<FieldError>* errors) {
  errors->clear();
  AskRequest request;
  if (!body.is_object()) {
    errors->push_back({"", std::string("the body must be a JSON object, not ") + body.type_name()});
    return InvalidArgumentError("invalid ask request");
  }
  OptionalString(body, "question", "", &request.question, errors);
  OptionalString(body, "faq", "", &request.faq, errors);
  if (auto it = body.find("asker"); it == body.end() || it->is_null()) {
    errors->push_back({"/asker", "required: the user id of the person asking"});
  } else if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    errors->push_back({"/asker", "must be a non-empty string (a user id)"});
  } else {
    request.asker = it->get<std::string>();
  }
  if (request.question.size() > kMaxQuestionBytes) {
    errors->push_back({"/question", "longer than " + std::to_string(kMaxQuestionBytes / 1024) + " KB"});
  }
  if (request.faq.empty() && request.question.find_first_not_of(" \t\r\n") == std::string::npos &&
      errors->empty()) {
    errors->push_back({"/question", "required when no faq is given"});
  }

  if (auto it = body.find("subject"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      errors->push_back({"/subject", std::string("must be an object, not ") + it->type_name()});
    } else {
      CheckKeys(*it, "/subject", {"user", "email", "other_user"}, errors);
      OptionalString(*it, "user", "/subject", &request.subject_user, errors);
      OptionalString(*it, "email", "/subject", &request.subject_email, errors);
      OptionalString(*it, "other_user", "/subject", &request.other_user, errors);
    }
  }
  if (auto it = body.find("attachment"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) {
      errors->push_back({"/attachment", std::string("must be an object, not ") + it->type_name()});
    } else {
      CheckKeys(*it, "/attachment", {"csv", "api_request"}, errors);
      if (auto csv = it->find("csv"); csv != it->end() && !csv->is_null()) {
        if (!csv->is_string()) {
          errors->push_back({"/attachment/csv", std::string("must be a string (the CSV text), not ") + csv->type_name()});
        } else {
          request.csv = csv->get<std::string>();
        }
      }
      if (auto api = it->find("api_request"); api != it->end() && !api->is_null()) {
        if (!api->is_object()) {
          errors->push_back({"/attachment/api_request", std::string("must be an object (the request body), not ") + api->type_name()});
        } else {
          request.api_request = api->dump();
        }
      }
    }
  }
  if (auto it = body.find("as_of"); it != body.end() && !it->is_null()) {
    std::optional<int64_t> t;
    if (it->is_string()) t = ParseTimestamp(it->get_ref<const std::string&>());
    if (!t) {
      errors->push_back({"/as_of", "must be an ISO-8601 UTC timestamp such as 2026-11-29T10:00:00Z"});
    } else {
      request.as_of = t;
    }
  }
  if (!errors->empty()) return InvalidArgumentError("invalid ask request");
  return request;
}

}  // namespace whyd
