// GatherFacts: the root fact record (AccountSchema()) for one question.
//
// Given a TenantView and who asks about whom, it builds in a FactArena the
// record that rules read: tenant (+settings), asker, user, other (full user
// records with every derived field, the case owner / manager / mentor one level
// deep), the email lookup, the stats, the question, and the attachments (csv,
// request). Only what the request names is built; the cost is a handful of hash
// lookups plus the subject's own related records, independent of tenant size
// (stats too: tenant-wide counts come from tallies kept by the view, and are
// built only when asked for).
//
// GatherFacts does not decide who may see what: the caller checks MayView
// (visibility.h) and turns refusals into its 403. It fails with kNotFound when an
// id names no user, kInvalidArgument for a malformed attachment.
//
// Laziness: what a question may not need is left pending (engine/facts.h)
// and built on its first read through Record::get: a user's related records
// (TenantView::AttachRelatedRecords), recent_sign_ins, the linked users and
// eligible_employers. A value is built at most once and is the same whenever
// it is built, so answers do not depend on what was read first.
//
// Lifetime: the facts borrow strings and records from the TenantView; keep the
// shared_ptr to the view alive, and the arena, while the facts are read (a
// first read decodes into the arena).
//
// Thread-safety: a pure function of its arguments; the arena and the facts,
// which a first read of a pending field writes, belong to the calling thread.
// The TenantView is only read, and stays safe to share.
#ifndef WHYD_KNOWLEDGE_FACTS_GATHERER_H_
#define WHYD_KNOWLEDGE_FACTS_GATHERER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts.h"
#include "engine/status.h"
#include "knowledge/store.h"

namespace whyd {

// What the question text says (filled by question matching), for `question.*`.
struct QuestionFacts {
  std::string text;
  std::optional<int> period_days;   // "next 60 days" = 60
  std::vector<std::string> emails;  // addresses written in the question
  std::optional<bool> mentions_self;
};

struct FactRequest {
  std::string_view asker_id;          // required
  std::string_view user_id;           // subject user (an id, or an email/username); empty for none
  // Second user of a user+user subject; empty for none. When `user_id` names a
  // non-learner and `other_id` a learner, they are swapped: the learner is
  // always `user` (causes.yaml accepts the pair either way round).
  std::string_view other_id;
  std::optional<std::string> email;   // an address asked about (email FAQs)
  int64_t now = 0;                    // evaluation time, seconds since the epoch
  const QuestionFacts* question = nullptr;
  std::optional<std::string> csv;          // attached learner-import CSV text
  std::optional<std::string> api_request;  // attached user-creation request, JSON text
  bool want_stats = false;                 // tenant subjects: build `stats`
  // Look-ahead for stats.due_to_expire; default question->period_days, else 30.
  std::optional<int> period_days;
};

StatusOr<const Record*> GatherFacts(const TenantView& tenant, const FactRequest& request,
                                    FactArena& arena);

// The user record of `user` as rules see it at `now`: the stored and static
// derived fields plus effective_status, inactive and recent_sign_ins; with
// `depth` > 0 also case_owner/manager/mentor (as depth-0 records) and
// eligible_employers. Exposed for attachment facts and tests.
const Record* BuildUserFacts(const TenantView& tenant, const Record& user, int64_t now,
                             int depth, FactArena& arena);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_FACTS_GATHERER_H_
