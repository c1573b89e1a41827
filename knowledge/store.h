// The knowledge store: every tenant's account state, durable in SQLite and
// served from an immutable in-memory view.
//
// Writes (a full snapshot, or record upserts/deletes; shared/spec/account-state.md
// and api.md) are validated as a whole: every problem is collected as
// {path, reason} (at most 100) and nothing is applied unless all is valid.
// Each write is ONE SQLite transaction (WAL journal, foreign keys on): a
// snapshot replaces the tenant's rows while validation runs on another thread;
// an upsert changes only the rows it names (store_records.cc). It commits only
// if everything is valid, so a rejected or interrupted write (even a kill)
// leaves the previous state intact; only after the commit is the new
// TenantView published.
//
// Reads never touch SQLite: Tenant() hands out a shared_ptr to the tenant's
// current TenantView, an immutable, compact index of typed records (the stored
// fields of the account schema, knowledge/account_schema.h, plus the derived
// fields that do not depend on the time of the question; store_tenant.h says how
// it stays small). A view stays valid, unchanged, for as long as the caller
// holds it, even while a newer import is published. Every lookup is by hash or
// by per-user data, so gathering the facts of a question costs the same at 1,000
// and at 100,000 learners. Opening a store builds each view from SQLite a row
// at a time, never holding a tenant's whole document.
//
// Tenant isolation is structural: every SQLite table is keyed by tenant and
// every statement filters by it; each tenant has its own TenantView, so a lookup
// can only ever see that tenant's users.
//
// Thread-safety: Store is safe to use from many threads. Writers are serialised
// by a mutex guarding the single write connection (and its cached prepared
// statements); readers only take a short lock to copy a shared_ptr. TenantView
// is immutable and safe to share.
#ifndef WHYD_KNOWLEDGE_STORE_H_
#define WHYD_KNOWLEDGE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts.h"
#include "engine/status.h"

namespace whyd {


constexpr size_t kMaxFieldErrors = 100;

// How many records a write applied (the snapshot's totals for a full import).
struct ImportCounts {
  int64_t groups = 0, organisations = 0, users = 0, programmes = 0, ilr_episodes = 0,
          documents = 0, emails = 0, sign_ins = 0;
  int64_t deleted = 0;  // records removed by an upsert/delete request (incl. cascaded)
  int64_t total() const {
    return groups + organisations + users + programmes + ilr_episodes + documents + emails +
           sign_ins;
  }
};

struct ImportResult {
  // OK; kInvalidArgument (see errors); kResourceExhausted (over max_bytes);
  // kNotFound (records for a tenant without a snapshot); kInternal (SQLite).
  Status status;
  std::vector<FieldError> errors;  // every problem found, at most kMaxFieldErrors
  bool errors_truncated = false;   // more problems existed than were kept
  std::string tenant_id;
  ImportCounts counts;
  bool ok() const { return status.ok(); }
};

struct ImportOptions {
  size_t max_bytes = size_t{100} << 20;  // larger bodies are refused before parsing
  // Non-empty: the snapshot's tenant.id must equal this (the tenant of the URL).
  std::string expected_tenant;
  // Called now and then while writing rows: (rows written, rows to write).
  std::function<void(size_t, size_t)> progress;
  // Test hook: abort the transaction after this many rows (0 = never), as a
  // crash would. The import then fails and the previous state must remain.
  size_t fail_after_rows = 0;
};

// One tenant's account state at one moment; immutable. Users are Records of
// Fields().user with the stored fields and the time-independent derived fields
// set (display_name, group_ids, groups, group_lineage, group_roots,
// organisation). Their related records (programmes, ilr_episodes, documents,
// emails, sign_ins, newest_activation_email) are held encoded, to keep a large
// tenant small, and decoded per question by AttachRelatedRecords (when a
// question first reads them); the
// time-dependent fields (effective_status, inactive, recent_sign_ins,
// case_owner/manager/mentor, eligible_employers) are computed per question.
// GatherFacts and BuildUserFacts (facts_gatherer.h) do both. Records and
// strings live as long as the view.
class TenantViewBuilder;

class TenantView {
 public:
  struct Rep;
  explicit TenantView(std::unique_ptr<Rep> rep);
  ~TenantView();
  TenantView(const TenantView&) = delete;
  TenantView& operator=(const TenantView&) = delete;

  std::string_view id() const;
  int64_t as_of() const;                 // the snapshot's as_of (seconds); 0 when unknown
  const Record* tenant() const;          // Fields().tenant, settings included
  const std::vector<const Record*>& users() const;  // in snapshot order

  const Record* FindUser(std::string_view id) const;
  const Record* FindGroup(std::string_view id) const;
  const Record* FindOrganisation(std::string_view id) const;
  // The user whose email or username equals `address`, ignoring case and
  // surrounding spaces (unique by validation); null when none.
  const Record* FindUserByLogin(std::string_view address) const;
  // Users whose display name equals `name`, ignoring case and surrounding spaces.
  std::vector<const Record*> FindUsersByDisplayName(std::string_view name) const;
  // Users whose display name appears in `question` as whole words, ignoring
  // case and punctuation (NameWords, mentions.h), in view order; at most the
  // first kMaxMentionBytes are read; names of more than 12 words are not
  // looked for. A lookup per run of words, so the cost is the question's, not
  // the tenant's. Visibility is the caller's to check.
  std::vector<const Record*> UsersNamedIn(std::string_view question) const;
  // Admins who are not inactive at `now` matching a case-owner value: by email
  // (or username) when it contains '@', else by display name.
  std::vector<const Record*> AdminsMatchingCaseOwner(std::string_view value, int64_t now) const;
  // All admins, for suggestions.
  const std::vector<const Record*>& admins() const;
  // Employer users whose organisation_id is `organisation_id`.
  const std::vector<const Record*>& EmployersOf(std::string_view organisation_id) const;

  // Tenant-wide counts of users by their effective status at `now` (a
  // full_user whose subscription_end has passed counts as expired), from
  // per-view tallies and the sorted subscription ends: no scan of the tenant.
  struct StatusCounts {
    int64_t full_learners = 0;        // learners that are full_user
    int64_t full_others = 0;          // users of other types that are full_user
    int64_t cancelled_learners = 0;
    int64_t archived_learners = 0;
    int64_t classic_access_users = 0;  // classic_access true, any status
  };
  StatusCounts CountStatuses(int64_t now) const;
  // Users stored as full_user whose subscription_end is a date within [from, to]
  // (days since the epoch), soonest first, ties in snapshot order.
  std::vector<const Record*> FullUsersEndingBetween(int32_t from, int32_t to) const;
  // Sets the related-record fields of `facts`, a copy of `user` (a user of
  // this view) being filled for a question: programmes, ilr_episodes,
  // documents, emails and sign_ins (emails and sign-ins oldest first) and
  // newest_activation_email. A collection with records is pending (facts.h):
  // decoded into `arena` when its field is first read, so `arena` and this
  // view must outlive every read of `facts`, which belongs to the arena's
  // thread. Does nothing for a record that is not one of this view's users.
  void AttachRelatedRecords(const Record& user, Record* facts, FactArena& arena) const;

 private:
  friend class TenantViewBuilder;  // copies an earlier view's users on upserts
  std::unique_ptr<Rep> rep_;
};

class Store {
 public:
  // Opens (creating if needed) the database at `path`; ":memory:" for a
  // private in-memory store. Loads every tenant's view.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Replaces one tenant's state (the tenant named in the snapshot) with a
  // snapshot document ("schema": "account-state/1"). All or nothing.
  ImportResult ImportSnapshot(std::string_view json, const ImportOptions& options = {});

  // Applies {"upsert": {"users": [...], ...}, "delete": {"users": ["u-1"]}} to
  // an existing tenant. The resulting state is validated as a snapshot would
  // be; paths of errors name the request ("/upsert/users/0/status") when the
  // problem is in an upserted record, else the stored record by id
  // ("/users/u-7/manager_id"). Deleting a user also deletes their programmes,
  // ILR episodes, documents, emails and sign-ins. Tenant settings change only
  // through a snapshot. All or nothing. Costs what it changes in SQLite, plus
  // a copy of the tenant's view (about 0.5 s at 100,000 learners).
  ImportResult ApplyRecords(std::string_view tenant_id, std::string_view json,
                            const ImportOptions& options = {});

  // The tenant's current view; null when the tenant has never been imported.
  std::shared_ptr<const TenantView> Tenant(std::string_view tenant_id) const;
  std::vector<std::string> TenantIds() const;

  struct Impl;  // internal: knowledge/store_impl.h

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_STORE_H_
