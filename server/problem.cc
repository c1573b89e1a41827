// Problem details (RFC 9457); see problem.h.
#include "server/problem.h"

namespace whyd {

std::string_view HttpReason(int http_status) {
  switch (http_status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return http_status >= 500 ? "Server Error" : "Client Error";
  }
}

static std::string Slug(int http_status) {
  std::string slug;
  for (char c : HttpReason(http_status)) {
    slug.push_back(c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return slug;
}

nlohmann::json MakeProblem(int http_status, std::string_view detail,
                           const std::vector<FieldError>& errors) {
  nlohmann::json problem = {
      {"type", "/problems/" + Slug(http_status)},
      {"title", HttpReason(http_status)},
      {"status", http_status},
      {"detail", detail},
  };
  if (!errors.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : errors) list.push_back({{"path", e.path}, {"reason", e.reason}});
    problem["errors"] = std::move(list);
  }
  return problem;
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 422;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

}  // namespace whyd
