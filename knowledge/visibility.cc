// Visibility and status words; see visibility.h.
#include "knowledge/visibility.h"

#include "engine/time_util.h"
#include "knowledge/account_schema.h"

namespace whyd {
namespace {

std::string_view Str(const Record& r, int field) {
  const Value& v = r.get(field);
  return v.kind() == Kind::kString ? v.as_string() : std::string_view();
}

bool ListContains(const Value& list, std::string_view item) {
  if (list.kind() != Kind::kList) return false;
  for (const Value& v : *list.as_list()) {
    if (v.kind() == Kind::kString && v.as_string() == item) return true;
  }
  return false;
}

bool ListsIntersect(const Value& a, const Value& b) {
  if (a.kind() != Kind::kList || b.kind() != Kind::kList) return false;
  for (const Value& v : *a.as_list()) {
    if (v.kind() == Kind::kString && ListContains(b, v.as_string())) return true;
  }
  return false;
}

}  // namespace

std::string_view EffectiveStatus(const Record& user, int64_t now) {
  const AccountFields& F = Fields();
  std::string_view status = Str(user, F.u.status);
  if (status == "full_user") {
    const Value& end = user.get(F.u.subscription_end);
    if (end.kind() == Kind::kDate && end.as_date() < DateOfTime(now)) return "expired";
  }
  return status;
}

bool IsInactive(const Record& user, int64_t now) {
  std::string_view s = EffectiveStatus(user, now);
  return s == "cancelled" || s == "archived" || s == "expired";
}

bool IsWithinGroup(const Record& user, std::string_view group_id) {
  return ListContains(user.get(Fields().u.group_lineage), group_id);
}

bool IsWithinGroupsOf(const Record& subject, const Record& asker) {
  // The subject's lineage holds each of its groups and their ancestors, so an
  // asker group in it is the subject's group or one of its ancestors.
  return ListsIntersect(asker.get(Fields().u.group_ids), subject.get(Fields().u.group_lineage));
}

bool ShareGroupTree(const Record& a, const Record& b) {
  return ListsIntersect(a.get(Fields().u.group_roots), b.get(Fields().u.group_roots));
}

bool HasRole(const Record& user, std::string_view role) {
  return ListContains(user.get(Fields().u.roles), role);
}

bool HasPermission(const Record& user, std::string_view perm) {
  return ListContains(user.get(Fields().u.permissions), perm);
}

bool MayView(const Record& asker, const Record& subject, int64_t now) {
  const AccountFields& F = Fields();
  std::string_view asker_id = Str(asker, F.u.id);
  if (&asker == &subject || (!asker_id.empty() && asker_id == Str(subject, F.u.id))) return true;
  if (IsInactive(asker, now)) return false;
  std::string_view asker_type = Str(asker, F.u.type);
  std::string_view subject_type = Str(subject, F.u.type);
  if (asker_type == "employer") {
    if (subject_type != "learner") return false;
    if (Str(subject, F.u.manager_id) == asker_id || Str(subject, F.u.mentor_id) == asker_id) return true;
    std::string_view org = Str(asker, F.u.organisation_id);
    return HasPermission(asker, "view_all_in_assigned_groups") && !org.empty() &&
           Str(subject, F.u.organisation_id) == org && IsWithinGroupsOf(subject, asker);
  }
  if (asker_type == "admin") {
    if (subject_type == "admin" && !HasRole(asker, "supervisor")) return false;
    return IsWithinGroupsOf(subject, asker);
  }
  return false;  // learners and referrers: only themselves
}

bool MayView(const TenantView& tenant, std::string_view asker_id, std::string_view subject_id,
             int64_t now) {
  const Record* asker = tenant.FindUser(asker_id);
  const Record* subject = tenant.FindUser(subject_id);
  if (asker == nullptr || subject == nullptr) return false;
  return MayView(*asker, *subject, now);
}

}  // namespace whyd
