// Who may diagnose whom (api.md "Who is calling"), and the status words every
// rule relies on (account-state.md "Definitions").
//
// MayView is the one place that decides visibility; the server, the gatherer
// (stats.due_to_expire, the list of users a question may name) and tests use it.
//
//  - anyone may view themselves (whatever their type or status);
//  - an inactive asker (effective status cancelled, archived, expired): only themselves;
//  - a learner or a referrer: only themselves;
//  - an employer: learners whose manager_id or mentor_id is them; with
//    view_all_in_assigned_groups also learners of their own organisation within
//    their groups;
//  - an admin: users within their groups (own groups or descendants); other
//    admins only with the supervisor role.
// Visibility follows groups and links whatever the subject's status.
//
// Thread-safety: pure functions over immutable views.
#ifndef WHYD_KNOWLEDGE_VISIBILITY_H_
#define WHYD_KNOWLEDGE_VISIBILITY_H_

#include <cstdint>
#include <string_view>

#include "engine/facts.h"
#include "knowledge/store.h"

namespace whyd {

// Stored status, with a full_user whose subscription_end is before today
// (now's UTC date) counted as "expired". Empty when the status is unknown.
std::string_view EffectiveStatus(const Record& user, int64_t now);
// Effective status is cancelled, archived or expired.
bool IsInactive(const Record& user, int64_t now);
// One of the user's groups is `group_id` or below it.
bool IsWithinGroup(const Record& user, std::string_view group_id);
// One of the subject's groups is one of the asker's groups or a descendant.
bool IsWithinGroupsOf(const Record& subject, const Record& asker);
// Some group of one and some group of the other have the same root.
bool ShareGroupTree(const Record& a, const Record& b);
bool HasRole(const Record& user, std::string_view role);        // admin roles
bool HasPermission(const Record& user, std::string_view perm);  // employer permissions

// Both records must come from the same TenantView.
bool MayView(const Record& asker, const Record& subject, int64_t now);
// By id within one tenant: false when either id names nobody in `tenant`, so a
// user of another tenant is never visible.
bool MayView(const TenantView& tenant, std::string_view asker_id, std::string_view subject_id,
             int64_t now);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_VISIBILITY_H_
