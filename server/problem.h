// RFC 9457 problem details: the one shape of every error the server sends.
//
// Thread-safety: pure functions.
#ifndef WHYD_SERVER_PROBLEM_H_
#define WHYD_SERVER_PROBLEM_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/status.h"
#include "server/backend.h"

namespace whyd {

inline constexpr std::string_view kProblemContentType = "application/problem+json";

// {"type", "title", "status", "detail"} plus "errors" when there are any. The
// type is a relative URI "/problems/<slug>" derived from the status code.
nlohmann::json MakeProblem(int http_status, std::string_view detail,
                           const std::vector<FieldError>& errors = {});

// The HTTP status a backend Status maps to (see backend.h).
int HttpStatusFor(const Status& status);

// The fixed detail sent with every 403, whatever the reason.
inline constexpr std::string_view kForbiddenDetail =
    "this key or asker may not see the requested tenant, user or resource";

// The standard reason phrase of the statuses the server sends ("Not Found").
std::string_view HttpReason(int http_status);

}  // namespace whyd

#endif  // WHYD_SERVER_PROBLEM_H_
