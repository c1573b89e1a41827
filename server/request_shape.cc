// Request shape checks; see request_shape.h.
#include "server/request_shape.h"

#include <string>

namespace whyd {
namespace {


// Depth of the deepest array/object, ignoring brackets inside strings.
int MaxNesting(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    else if (c == ']' || c == '}') --depth;
  }
  return deepest;
}

const char* TypeName(const nlohmann::json& v) {
  if (v.is_string()) return "a string";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  return "null";
}

void ExpectString(const nlohmann::json& body, const char* field, bool required,
                  std::vector<FieldError>& errors, size_t max_length = kMaxFieldBytes) {
  const std::string path = std::string("/") + field;
  auto it = body.find(field);
  if (it == body.end()) {
    if (required) errors.push_back({path, "is required"});
    return;
  }
  if (!it->is_string()) {
    errors.push_back({path, std::string("must be a string, not ") + TypeName(*it)});
  } else if (required && it->get_ref<const std::string&>().empty()) {
    errors.push_back({path, "must not be empty"});
  } else if (it->get_ref<const std::string&>().size() > max_length) {
    errors.push_back({path, "is longer than " + std::to_string(max_length) + " characters"});
  }
}

void RejectUnknown(const nlohmann::json& body, std::initializer_list<std::string_view> known,
                   const std::string& prefix, std::vector<FieldError>& errors) {
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool found = false;
    for (std::string_view k : known) found = found || it.key() == k;
    if (!found) errors.push_back({prefix + "/" + it.key(), "unknown field"});
  }
}

// nlohmann messages start with "[json.exception.parse_error.101] "; clients need
// only the sentence after it.
std::string WithoutPrefix(const nlohmann::json::exception& e) {
  const std::string what = e.what();
  const size_t end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

}  // namespace

StatusOr<nlohmann::json> ParseJsonBody(std::string_view text) {
  if (MaxNesting(text) > kMaxJsonDepth) {
    return ResourceExhaustedError("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return InvalidArgumentError("malformed JSON at byte " + std::to_string(e.byte) + ": " + WithoutPrefix(e));
  } catch (const nlohmann::json::exception& e) {
    // e.g. out_of_range for a number such as 1e999
    return InvalidArgumentError("unreadable JSON: " + WithoutPrefix(e));
  }
}

std::vector<FieldError> CheckAskRequest(const nlohmann::json& body) {
  std::vector<FieldError> errors;
  if (!body.is_object()) return {{"", std::string("the body must be a JSON object, not ") + TypeName(body)}};
  RejectUnknown(body, {"question", "faq", "asker", "subject", "attachment", "as_of"}, "", errors);
  ExpectString(body, "asker", true, errors);
  ExpectString(body, "question", false, errors, kMaxQuestionBytes);
  ExpectString(body, "faq", false, errors);
  ExpectString(body, "as_of", false, errors, kMaxTimestampBytes);
  if (!body.contains("question") && !body.contains("faq")) {
    errors.push_back({"/question", "is required unless faq is given"});
  }
  if (auto it = body.find("subject"); it != body.end()) {
    if (!it->is_object()) {
      errors.push_back({"/subject", std::string("must be an object, not ") + TypeName(*it)});
    } else {
      RejectUnknown(*it, {"user", "other_user", "email"}, "/subject", errors);
      for (auto f = it->begin(); f != it->end(); ++f) {
        if (!f.value().is_string()) {
          errors.push_back({"/subject/" + f.key(), std::string("must be a string, not ") + TypeName(f.value())});
        }
      }
    }
  }
  if (auto it = body.find("attachment"); it != body.end()) {
    if (!it->is_object()) {
      errors.push_back({"/attachment", std::string("must be an object, not ") + TypeName(*it)});
    } else {
      RejectUnknown(*it, {"csv", "api_request"}, "/attachment", errors);
      if (auto csv = it->find("csv"); csv != it->end() && !csv->is_string()) {
        errors.push_back({"/attachment/csv", std::string("must be a string, not ") + TypeName(*csv)});
      }
      if (auto api = it->find("api_request"); api != it->end() && !api->is_object()) {
        errors.push_back({"/attachment/api_request", std::string("must be an object, not ") + TypeName(*api)});
      }
    }
  }
  return errors;
}

std::vector<FieldError> CheckTriageRequest(const nlohmann::json& body) {
  std::vector<FieldError> errors;
  if (!body.is_object()) return {{"", std::string("the body must be a JSON object, not ") + TypeName(body)}};
  RejectUnknown(body, {"subject", "body", "requester", "as_of"}, "", errors);
  ExpectString(body, "subject", false, errors, 1000);
  ExpectString(body, "body", true, errors, 100000);
  ExpectString(body, "requester", true, errors);
  ExpectString(body, "as_of", false, errors, kMaxTimestampBytes);
  return errors;
}

std::vector<FieldError> CheckSnapshotRequest(const nlohmann::json& body) {
  if (!body.is_object()) return {{"", std::string("a snapshot must be a JSON object, not ") + TypeName(body)}};
  return {};
}

std::vector<FieldError> CheckRecordsRequest(const nlohmann::json& body) {
  std::vector<FieldError> errors;
  if (!body.is_object()) return {{"", std::string("the body must be a JSON object, not ") + TypeName(body)}};
  RejectUnknown(body, {"upsert", "delete"}, "", errors);
  if (!body.contains("upsert") && !body.contains("delete")) {
    errors.push_back({"/upsert", "upsert or delete is required"});
  }
  for (const char* field : {"upsert", "delete"}) {
    auto it = body.find(field);
    if (it != body.end() && !it->is_object()) {
      errors.push_back({std::string("/") + field, std::string("must be an object, not ") + TypeName(*it)});
    }
  }
  return errors;
}

}  // namespace whyd
