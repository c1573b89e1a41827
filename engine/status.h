// Status and StatusOr: the error vocabulary of the request path.
//
// Modelled on Abseil's absl::Status / absl::StatusOr (Abseil is not among the
// project's Debian dependencies, so this is a small hand-written subset). Code on
// the request path returns these instead of throwing; exceptions stay at the edges
// (YAML/JSON parsers, config loading) and are converted to Status there.
//
// Thread-safety: values; safe to copy and share read-only across threads.
#ifndef WHYD_ENGINE_STATUS_H_
#define WHYD_ENGINE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace whyd {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input: bad JSON/YAML/CSV, wrong types
  kNotFound,            // an id that names nothing
  kAlreadyExists,
  kPermissionDenied,    // the asker may not see this
  kUnauthenticated,
  kFailedPrecondition,  // valid input, wrong state (e.g. rules not loaded)
  kResourceExhausted,   // too large, too deep, too many
  kUnavailable,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: message", for logs and CLI output.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// One problem in an input document: where (a JSON pointer such as
// "/users/3/status", or a file:line:column) and why.
struct FieldError {
  std::string path;    // "" for the document as a whole
  std::string reason;  // "unknown value 'actve'"
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDeniedError(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status ResourceExhaustedError(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT
  StatusOr(T value) : value_(std::move(value)) {}                                  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace whyd

// Returns early from the enclosing function when expr yields a non-OK Status.
#define WHYD_RETURN_IF_ERROR(expr)              \
  do {                                          \
    ::whyd::Status whyd_status_ = (expr);       \
    if (!whyd_status_.ok()) return whyd_status_; \
  } while (0)

#endif  // WHYD_ENGINE_STATUS_H_
