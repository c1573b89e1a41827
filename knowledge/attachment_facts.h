// Facts about an attachment to a question, resolved against the tenant:
// a learner-import CSV (`csv` record) and a user-creation API request body
// (`request` record), as account-state.md describes the platform's handling.
//
// CSV rows: the case_owner column resolves to admins who are not inactive, by
// email when the value contains '@', else by display name (case and
// surrounding spaces ignored); unmatched values get the closest admin display
// names by edit distance as suggestions; the learner is matched by email; the
// SSO Enabled column takes true/false/yes/no/1/0 in any case, blank = password.
//
// Errors (kInvalidArgument) name the problem: not CSV, no email column, a
// ragged row, a request that is not a JSON object or has mistyped fields.
//
// Thread-safety: pure functions; the arena belongs to the calling thread.
#ifndef WHYD_KNOWLEDGE_ATTACHMENT_FACTS_H_
#define WHYD_KNOWLEDGE_ATTACHMENT_FACTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts.h"
#include "engine/status.h"
#include "knowledge/store.h"

namespace whyd {

StatusOr<const Record*> BuildCsvFacts(const TenantView& tenant, std::string_view csv_text,
                                      int64_t now, FactArena& arena);

StatusOr<const Record*> BuildApiRequestFacts(const TenantView& tenant,
                                             std::string_view request_json, int64_t now,
                                             FactArena& arena);

// Levenshtein distance over bytes, case-insensitive (ASCII).
size_t EditDistance(std::string_view a, std::string_view b);
// Up to `limit` admin display names closest to `value` (ties: snapshot order).
std::vector<std::string_view> ClosestAdminNames(const TenantView& tenant, std::string_view value,
                                                size_t limit);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_ATTACHMENT_FACTS_H_
