// Answerer: the ask pipeline shared by `whyd ask`, the HTTP API and triage.
//
//   question ─► match FAQ ─► resolve subject ─► may the asker see it? ─► gather facts
//            ─► run the FAQ's rules ─► render explanations ─► redact ─► answer JSON
//
// The answer is the object of shared/spec/api.md ("Answer (200)"), written
// once, as JSON text (AskJson): the HTTP API sends that text as it is, and
// Ask() parses it for callers that read the answer (triage, `whyd ask`), so
// that the shape has one source. Refusals are
// uniform: an unknown asker, an unknown subject and a subject the asker may not
// see all produce the same kPermissionDenied status with the same message, so
// an answer never reveals whether a user exists. Evidence about a user the
// asker may not see is cut to that user's type and status.
//
// Thread-safety: an Answerer is immutable after construction and safe to call
// from many threads; each call builds its facts in its own arena. The rulebook
// is passed per call (a shared_ptr snapshot), so a reload never changes the
// rules under a running request.
#ifndef WHYD_SERVER_ANSWERER_H_
#define WHYD_SERVER_ANSWERER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/status.h"
#include "knowledge/store.h"
#include "server/ask_request.h"
#include "server/rulebook.h"

namespace whyd {

// The one message of every "you may not see this" refusal.
extern const char kNotVisibleMessage[];

// What an answer was about, for the audit log and metrics (no question text).
struct AnswerSummary {
  std::string tenant, asker, faq, subject;
  double confidence = 0;
  std::vector<std::string> causes;  // the findings' cause codes
  bool blocking = false;            // some finding is blocking
  std::string subject_user;         // the answer's subject.user.id; empty: none
};

class Answerer {
 public:
  // `clock` returns the current time in unix seconds (tests pin it).
  explicit Answerer(const Store& store, std::function<int64_t()> clock = nullptr);

  // kPermissionDenied (kNotVisibleMessage), kNotFound (unknown FAQ or tenant),
  // kInvalidArgument (a malformed attachment), or the answer object as
  // compact JSON text, byte for byte what DumpJson (json_writer.h) writes for
  // the same object.
  StatusOr<std::string> AskJson(const Rulebook& rules, const AskRequest& request,
                                AnswerSummary* summary = nullptr) const;

  // As AskJson, parsed: for callers that read or extend the answer.
  StatusOr<nlohmann::json> Ask(const Rulebook& rules, const AskRequest& request,
                               AnswerSummary* summary = nullptr) const;

 private:
  const Store& store_;
  std::function<int64_t()> clock_;
};

}  // namespace whyd

#endif  // WHYD_SERVER_ANSWERER_H_
