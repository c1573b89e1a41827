// Validation of an account-state snapshot (shared/spec/account-state.md) before
// anything of it is applied.
//
// The shape of every collection is one table (SnapshotCollections()): JSON key,
// expected type, allowed enum values, whether required, which collection it
// references. The validator walks the whole document and collects every
// problem as {JSON pointer, reason} up to kMaxFieldErrors: types, enum values,
// required fields, id uniqueness within a collection, dangling references,
// learner-only fields on other types, email/username uniqueness across the
// tenant (ignoring case and surrounding spaces), cycles in the group forest.
// Unknown keys are ignored (forward compatibility).
//
// Internal to the store (store.cc, store_tenant.cc); not part of the public API.
//
// Thread-safety: pure functions; the tables are immutable after first use.
#ifndef WHYD_KNOWLEDGE_SNAPSHOT_VALIDATOR_H_
#define WHYD_KNOWLEDGE_SNAPSHOT_VALIDATOR_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/schema.h"
#include "knowledge/store.h"

namespace whyd {

enum class Shape { kString, kInt, kBool, kDate, kTime, kStringList, kEnum, kEnumList, kObject };

struct FieldSpec {
  std::string_view key;                 // JSON key
  Shape shape;
  std::vector<std::string_view> values;  // kEnum/kEnumList: the allowed values
  bool required = false;                 // must be present and not null
  std::string_view ref;                  // names an id of this collection ("groups", "users")
  int field = -1;                        // index in the record type (-1: not stored)
};

struct CollectionSpec {
  std::string_view name;  // "users"
  const RecordType* type;
  bool has_id;            // sign_ins have none
  std::vector<FieldSpec> fields;
};

// groups, organisations, users, programmes, ilr_episodes, documents, emails,
// sign_ins, in the order that references allow (referenced first).
const std::vector<CollectionSpec>& SnapshotCollections();
const CollectionSpec* FindCollection(std::string_view name);
// tenant.settings fields.
const std::vector<FieldSpec>& SettingsSpec();

inline constexpr std::string_view kSnapshotSchema = "account-state/1";

class ErrorList {
 public:
  void Add(std::string path, std::string reason);
  bool empty() const { return errors_.empty(); }
  bool full() const { return errors_.size() >= kMaxFieldErrors; }
  std::vector<FieldError>& errors() { return errors_; }
  bool truncated() const { return truncated_; }

 private:
  std::vector<FieldError> errors_;
  bool truncated_ = false;
};

// How error paths name element i of a collection. By default "/users/3"; an
// upsert request maps its records to "/upsert/users/0" instead.
struct PathNames {
  std::map<std::string, std::vector<std::string>, std::less<>> prefixes;
  std::string Of(std::string_view collection, size_t index) const;
};

// The stored records an upsert request is checked against: everything of the
// tenant that is not in the document being validated. It lets a request be
// validated as part of the whole state without building the whole state.
class StoredRecords {
 public:
  virtual ~StoredRecords() = default;
  // A record of `collection` with this id is stored and stays (not deleted,
  // and not one the document replaces).
  virtual bool Has(std::string_view collection, std::string_view id) const = 0;
  // The path ("/users/u-7") of the stored user that stays and whose email or
  // username normalises to `key`; empty when there is none.
  virtual std::string LoginHolder(std::string_view key) const = 0;
};

// Checks a snapshot document: shapes, enums, required fields, unique ids,
// references, learner-only fields, unique logins, cycles in the group forest.
// With `stored`, the document holds only some records of a tenant (an upsert)
// and references and logins are also checked against the stored rest.
void ValidateSnapshot(const nlohmann::json& doc, const PathNames* names, ErrorList* errors,
                      const StoredRecords* stored = nullptr);

// 'value' as error messages quote it (at most 80 characters).
std::string Quote(std::string_view s);

// Lower case (ASCII) with surrounding spaces removed: how names and emails compare.
std::string NormaliseKey(std::string_view text);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_SNAPSHOT_VALIDATOR_H_
