// Shape checks of request bodies: what is pure JSON validation (types, required
// fields, unknown fields) happens here, with JSON Pointer paths in the errors,
// before a Backend sees the request. Meaning (does the FAQ exist, may the asker
// see the subject) is the Backend's.
//
// Thread-safety: pure functions.
#ifndef WHYD_SERVER_REQUEST_SHAPE_H_
#define WHYD_SERVER_REQUEST_SHAPE_H_

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/status.h"

namespace whyd {

// Deepest nesting of arrays/objects accepted. nlohmann's parser recurses per
// level, so a body of a million '[' would otherwise exhaust the stack.
inline constexpr int kMaxJsonDepth = 64;

// Longest question accepted, in bytes; question matching reads less than this.
inline constexpr size_t kMaxQuestionBytes = 4000;

// Longest string accepted, in bytes, where no other limit is named (an asker,
// a FAQ id, a requester), and longest timestamp (`as_of`).
inline constexpr size_t kMaxFieldBytes = 256;
inline constexpr size_t kMaxTimestampBytes = 64;

// Parses `text` as JSON. kInvalidArgument names the byte offset and why for
// malformed input; kResourceExhausted when nesting exceeds kMaxJsonDepth.
StatusOr<nlohmann::json> ParseJsonBody(std::string_view text);

// Each returns every problem found (empty: the shape is right).
std::vector<FieldError> CheckAskRequest(const nlohmann::json& body);
std::vector<FieldError> CheckTriageRequest(const nlohmann::json& body);
std::vector<FieldError> CheckSnapshotRequest(const nlohmann::json& body);
std::vector<FieldError> CheckRecordsRequest(const nlohmann::json& body);

}  // namespace whyd

#endif  // WHYD_SERVER_REQUEST_SHAPE_H_
