// The inside of a TenantView: one tenant's users as typed records, their
// related records in a compact encoding, and the lookups over them; built once
// from a validated snapshot and immutable afterwards.
//
// Internal to the store. TenantViewBuilder takes the snapshot a record at a
// time, so that Store::Open can stream a tenant out of SQLite without ever
// holding the whole document; BuildTenantView feeds it a parsed document (an
// import). Both trust the records' shapes (they were validated before they
// were stored) but never crash on a bad one: a record of the wrong shape makes
// the builder throw nlohmann::json's exception, which the store catches.
//
// Memory is what bounds how large a tenant one process can serve, so the view
// keeps (see store_bench's BM_HoldTenant):
//  - users as Records (scans such as visibility and tenant statistics read
//    them), with low-cardinality strings (enums, organisation and linked-user
//    ids) interned and the group-derived lists shared by users with the same
//    groups;
//  - each user's programmes, ILR episodes, documents, emails and sign-ins as
//    one encoded byte string (engine/record_codec.h), each collection framed
//    by its count and byte length, decoded only when a question reads it;
//  - lookups as open-addressing tables of (hash tag, user index) rather than
//    node-based maps with copied keys.
//
// Thread-safety: a builder belongs to one thread; the view it makes is
// immutable and safe to share.
#ifndef WHYD_KNOWLEDGE_STORE_TENANT_H_
#define WHYD_KNOWLEDGE_STORE_TENANT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/facts.h"
#include "knowledge/store.h"

namespace whyd {

// A lookup from a key to user indexes: an open-addressing table of (hash tag,
// user index) with linear probing, so a lookup costs one or two cache misses
// whatever the tenant's size. Keys are not stored: callers confirm a hit
// against the user's own field, so a collision costs a comparison, never a
// wrong answer. Several users may share a key (display names).
class HashIndex {
 public:
  void Add(uint64_t hash, uint32_t user) { pending_.push_back({hash, user}); }
  // Builds the table from what was added; call once, before any lookup.
  void Seal();
  // Calls visit(user) for every user added with `hash` (and, rarely, one
  // whose hash shares the tag) until it returns false; in no set order.
  template <typename Visit>
  void ForEach(uint64_t hash, Visit visit) const {
    if (slots_.empty()) return;
    const auto tag = static_cast<uint32_t>(hash >> 32);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.user_plus_one == 0) return;
      if (slot.tag == tag && !visit(slot.user_plus_one - 1)) return;
    }
  }

 private:
  struct Slot {
    uint32_t tag = 0;
    uint32_t user_plus_one = 0;  // 0: empty
  };
  std::vector<std::pair<uint64_t, uint32_t>> pending_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

struct TenantView::Rep {
  // Owns every record, list, string and encoded byte string below; its blocks
  // come from mmap, so that replacing a view returns the old one's memory.
  FactArena arena{PageResource()};
  std::string id;
  int64_t as_of = 0;
  const Record* tenant = nullptr;
  std::vector<const Record*> users, admins;   // users in snapshot order
  std::vector<std::string_view> related;      // per user: encoded related records
  HashIndex user_by_id, user_by_login, users_by_name;
  HashIndex users_by_name_words;  // NameWords(display name) without its edge spaces
  HashIndex user_by_record;       // the address of the user's Record
  size_t max_name_words = 0;      // the most words in any indexed name
  // For CountStatuses and FullUsersEndingBetween: tallies that do not depend
  // on the time of asking, and the subscription ends of stored full users.
  TenantView::StatusCounts fixed_counts;       // full_* count users with no end date only
  std::vector<int32_t> learner_full_ends, other_full_ends;  // sorted
  std::vector<std::pair<int32_t, uint32_t>> full_by_end;   // (end, user index), sorted
  std::unordered_map<std::string_view, const Record*> group_by_id, org_by_id;
  std::unordered_map<std::string_view, std::vector<const Record*>> employers_by_org;

  // The index of a user of this view, or -1.
  int64_t IndexOf(const Record& user) const;
};

class TenantViewBuilder {
 public:
  // `head`: the snapshot without its collections ("schema", "as_of", "tenant").
  explicit TenantViewBuilder(const nlohmann::json& head);
  ~TenantViewBuilder();

  // Records in this order: every group, every organisation, then the users,
  // each user's related records (programmes, ilr_episodes, documents, emails,
  // sign_ins) at any time after that user. Records of a collection arrive in
  // snapshot order.
  void AddGroup(const nlohmann::json& group);
  void AddOrganisation(const nlohmann::json& organisation);
  void AddUser(const nlohmann::json& user);
  // `collection` is one of the five related collections; a record whose owner
  // is not a user is dropped (validation rejects such snapshots).
  void AddRelated(std::string_view collection, const nlohmann::json& record);
  // A user of `previous` (a view of the same tenant) unchanged, with their
  // related records as they were: what an upsert does not touch is copied
  // rather than read and parsed again. Derived fields are computed anew, since
  // groups and organisations may have changed. `previous` must outlive Finish().
  void AddUserFrom(const TenantView& previous, const Record& user);

  std::shared_ptr<const TenantView> Finish();

 private:
  struct Pending;
  void FinishGroups();
  // Indexes a new user record and sets its derived fields.
  void FinishUser(Record* user);
  std::string_view Intern(std::string_view s);

  std::unique_ptr<TenantView::Rep> rep_;
  std::unique_ptr<Pending> pending_;
};

// Builds the view of a whole (validated) snapshot document.
std::shared_ptr<const TenantView> BuildTenantView(const nlohmann::json& snapshot);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_STORE_TENANT_H_
