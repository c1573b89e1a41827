// Building the root fact record of one question; see facts_gatherer.h.
#include "knowledge/facts_gatherer.h"

#include <algorithm>
#include <cstring>

#include "engine/time_util.h"
#include "knowledge/account_schema.h"
#include "knowledge/attachment_facts.h"
#include "knowledge/snapshot_validator.h"
#include "knowledge/visibility.h"

namespace whyd {
namespace {

constexpr int kRecentSignInDays = 30;
constexpr size_t kRecentSignInCount = 10;
constexpr int kDefaultPeriodDays = 30;

std::string_view Str(const Record& r, int field) {
  const Value& v = r.get(field);
  return v.kind() == Kind::kString ? v.as_string() : std::string_view();
}

// A related user (case owner, manager, mentor) as a depth-0 record; absent or
// null as stored when there is no id.
Value LinkedUser(const TenantView& tenant, const Record& user, int id_field, int64_t now,
                 FactArena& arena) {
  const Value& id = user.get(id_field);
  if (id.kind() != Kind::kString) return id;  // absent or null
  const Record* linked = tenant.FindUser(id.as_string());
  return linked ? Value::OfRecord(BuildUserFacts(tenant, *linked, now, 0, arena)) : Value::Null();
}

Value RecentSignIns(const Record& user, int64_t now, FactArena& arena) {
  const AccountFields& F = Fields();
  const Value& all = user.get(F.u.sign_ins);
  if (all.kind() != Kind::kList) return all;
  const int64_t oldest = now - kRecentSignInDays * kSecondsPerDay;
  // Sign-ins are sorted oldest first: find those in [oldest, now], keep the last 10.
  const List& list = *all.as_list();
  size_t end = list.size;
  while (end > 0) {
    const Value& at = list.items[end - 1].as_record()->get(F.si.at);
    if (at.kind() == Kind::kTime && at.as_time() <= now) break;
    --end;
  }
  size_t begin = end;
  while (begin > 0 && end - begin < kRecentSignInCount) {
    const Value& at = list.items[begin - 1].as_record()->get(F.si.at);
    if (at.kind() != Kind::kTime || at.as_time() < oldest) break;
    --begin;
  }
  return Value::OfList(arena.NewList(list.items + begin, end - begin));
}

const std::vector<const Record*>& NoEmployers() {
  static const std::vector<const Record*> none;
  return none;
}

Value EligibleEmployers(const TenantView& tenant, const Record& learner, int64_t now,
                        FactArena& arena) {
  const AccountFields& F = Fields();
  std::string_view org = Str(learner, F.u.organisation_id);
  const std::vector<const Record*>& employers = org.empty() ? NoEmployers() : tenant.EmployersOf(org);
  // Room for every employer of the organisation, straight in the arena (no
  // heap vector per learner); the list is cut to the eligible ones.
  Value* items = nullptr;
  List* list = arena.NewList(employers.size(), &items);
  uint32_t eligible = 0;
  for (const Record* e : employers) {
    if (IsInactive(*e, now) || !ShareGroupTree(*e, learner)) continue;
    items[eligible++] = Value::OfRecord(BuildUserFacts(tenant, *e, now, 0, arena));
  }
  list->size = eligible;
  return Value::OfList(list);
}

StatusOr<const Record*> FindSubject(const TenantView& tenant, std::string_view id,
                                    std::string_view role) {
  const Record* user = tenant.FindUser(id);
  if (user == nullptr) user = tenant.FindUserByLogin(id);
  if (user == nullptr) return NotFoundError("no user '" + std::string(id) + "' (" + std::string(role) + ")");
  return user;
}

const Record* BuildEmailLookup(const TenantView& tenant, std::string_view asked, int64_t now,
                               FactArena& arena) {
  const AccountFields& F = Fields();
  Record* r = arena.NewRecord(F.email_lookup);
  std::string_view trimmed = asked;
  while (!trimmed.empty() && std::strchr(" \t\r\n", trimmed.front())) trimmed.remove_prefix(1);
  while (!trimmed.empty() && std::strchr(" \t\r\n", trimmed.back())) trimmed.remove_suffix(1);
  r->set(F.el.address, arena.StringValue(trimmed));
  const Record* holder = tenant.FindUserByLogin(asked);
  r->set(F.el.found, Value::Bool(holder != nullptr));
  if (holder != nullptr) {
    r->set(F.el.holder, Value::OfRecord(BuildUserFacts(tenant, *holder, now, 0, arena)));
    const std::string key = NormaliseKey(asked);
    bool exact = false;
    for (int field : {F.u.email, F.u.username}) {
      std::string_view stored = Str(*holder, field);
      if (NormaliseKey(stored) == key && stored == asked) exact = true;
    }
    r->set(F.el.exact, Value::Bool(exact));
  }
  return r;
}

const Record* BuildQuestion(const QuestionFacts& q, FactArena& arena) {
  const AccountFields& F = Fields();
  Record* r = arena.NewRecord(F.question);
  r->set(F.q.text, arena.StringValue(q.text));
  if (q.period_days) r->set(F.q.period_days, Value::Int(*q.period_days));
  std::vector<Value> emails;
  for (const std::string& e : q.emails) emails.push_back(arena.StringValue(e));
  r->set(F.q.emails, Value::OfList(arena.NewList(emails.data(), emails.size())));
  if (q.mentions_self) r->set(F.q.mentions_self, Value::Bool(*q.mentions_self));
  return r;
}

const Record* BuildStats(const TenantView& tenant, const Record& asker, int period_days,
                         int64_t now, FactArena& arena) {
  const AccountFields& F = Fields();
  const TenantView::StatusCounts counts = tenant.CountStatuses(now);
  const int32_t today = DateOfTime(now);
  const bool supervisor = HasRole(asker, "supervisor");
  std::vector<const Record*> due;
  // Ending today or later, a stored full user is still a full user.
  for (const Record* u : tenant.FullUsersEndingBetween(today, today + period_days)) {
    if (Str(*u, F.u.type) == "admin" && !supervisor) continue;
    if (!MayView(asker, *u, now)) continue;
    due.push_back(u);
  }
  Record* r = arena.NewRecord(F.stats);
  r->set(F.st.overview_count,
         Value::Int(counts.full_learners + counts.cancelled_learners + counts.archived_learners));
  r->set(F.st.users_tile_count, Value::Int(counts.full_learners + counts.full_others));
  r->set(F.st.cancelled_learners, Value::Int(counts.cancelled_learners));
  r->set(F.st.archived_learners, Value::Int(counts.archived_learners));
  r->set(F.st.non_learner_full_users, Value::Int(counts.full_others));
  r->set(F.st.classic_access_users, Value::Int(counts.classic_access_users));
  r->set(F.st.period_days, Value::Int(period_days));
  Value* items = nullptr;
  List* list = arena.NewList(due.size(), &items);
  for (size_t i = 0; i < due.size(); ++i) {
    items[i] = Value::OfRecord(BuildUserFacts(tenant, *due[i], now, 0, arena));
  }
  r->set(F.st.due_to_expire, Value::OfList(list));
  return r;
}

}  // namespace

namespace {

// The fields of a user's facts that BuildUserFacts leaves pending (facts.h):
// recent_sign_ins, and at depth > 0 the linked users and eligible_employers,
// each a user's facts of its own (and their related records) that most
// questions never read. Lives in the facts' arena.
struct PendingUserFields : PendingField {
  const TenantView* tenant;
  const Record* user;  // the view's stored record
  int64_t now;
  FactArena* arena;    // the facts' arena
};

void ResolveUserField(const PendingField& self, Record& r, int field) {
  const AccountFields& F = Fields();
  const auto& p = static_cast<const PendingUserFields&>(self);
  Value v;
  if (field == F.u.recent_sign_ins) {
    v = RecentSignIns(r, p.now, *p.arena);  // the records of (resolved) sign_ins
  } else if (field == F.u.case_owner) {
    v = LinkedUser(*p.tenant, *p.user, F.u.case_owner_id, p.now, *p.arena);
  } else if (field == F.u.manager) {
    v = LinkedUser(*p.tenant, *p.user, F.u.manager_id, p.now, *p.arena);
  } else if (field == F.u.mentor) {
    v = LinkedUser(*p.tenant, *p.user, F.u.mentor_id, p.now, *p.arena);
  } else if (field == F.u.eligible_employers) {
    v = EligibleEmployers(*p.tenant, *p.user, p.now, *p.arena);
  }
  r.set(field, v);
}

}  // namespace

const Record* BuildUserFacts(const TenantView& tenant, const Record& user, int64_t now,
                             int depth, FactArena& arena) {
  const AccountFields& F = Fields();
  Record* r = arena.NewRecord(F.user);
  r->CopyFieldsFrom(user);
  tenant.AttachRelatedRecords(user, r, arena);
  std::string_view status = EffectiveStatus(user, now);
  if (!status.empty()) {
    r->set(F.u.effective_status, Value::String(status));
    r->set(F.u.inactive, Value::Bool(IsInactive(user, now)));
  }
  // The rest is worked out when first read: one pending state for them all.
  const Value pending = Value::Pending(arena.Copy(PendingUserFields{{&ResolveUserField}, &tenant, &user, now, &arena}));
  r->set(F.u.recent_sign_ins, pending);
  if (depth > 0) {
    r->set(F.u.case_owner, pending);
    r->set(F.u.manager, pending);
    r->set(F.u.mentor, pending);
    if (Str(user, F.u.type) == "learner") r->set(F.u.eligible_employers, pending);
  }
  return r;
}

StatusOr<const Record*> GatherFacts(const TenantView& tenant, const FactRequest& request,
                                    FactArena& arena) {
  const AccountFields& F = Fields();
  const int64_t now = request.now;
  Record* root = arena.NewRecord(F.root);
  root->set(F.r.tenant, Value::OfRecord(tenant.tenant()));

  StatusOr<const Record*> asker = FindSubject(tenant, request.asker_id, "asker");
  if (!asker.ok()) return asker.status();
  root->set(F.r.asker, Value::OfRecord(BuildUserFacts(tenant, **asker, now, 1, arena)));
  const Record* user = nullptr;
  const Record* other = nullptr;
  if (!request.user_id.empty()) {
    StatusOr<const Record*> found = FindSubject(tenant, request.user_id, "user");
    if (!found.ok()) return found.status();
    user = *found;
  }
  if (!request.other_id.empty()) {
    StatusOr<const Record*> found = FindSubject(tenant, request.other_id, "other user");
    if (!found.ok()) return found.status();
    other = *found;
  }
  // In a user+user subject the learner is `user`; accept the pair either way round.
  if (user != nullptr && other != nullptr && Str(*user, F.u.type) != "learner" &&
      Str(*other, F.u.type) == "learner") {
    std::swap(user, other);
  }
  if (user != nullptr) root->set(F.r.user, Value::OfRecord(BuildUserFacts(tenant, *user, now, 1, arena)));
  if (other != nullptr) root->set(F.r.other, Value::OfRecord(BuildUserFacts(tenant, *other, now, 1, arena)));
  if (request.email) root->set(F.r.email, Value::OfRecord(BuildEmailLookup(tenant, *request.email, now, arena)));
  if (request.question) root->set(F.r.question, Value::OfRecord(BuildQuestion(*request.question, arena)));
  if (request.want_stats) {
    int period = request.period_days.value_or(
        request.question && request.question->period_days ? *request.question->period_days : kDefaultPeriodDays);
    root->set(F.r.stats, Value::OfRecord(BuildStats(tenant, **asker, period, now, arena)));
  }
  if (request.csv) {
    StatusOr<const Record*> csv = BuildCsvFacts(tenant, *request.csv, now, arena);
    if (!csv.ok()) return csv.status();
    root->set(F.r.csv, Value::OfRecord(*csv));
  }
  if (request.api_request) {
    StatusOr<const Record*> req = BuildApiRequestFacts(tenant, *request.api_request, now, arena);
    if (!req.ok()) return req.status();
    root->set(F.r.request, Value::OfRecord(*req));
  }
  return static_cast<const Record*>(root);
}

}  // namespace whyd
