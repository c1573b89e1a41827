// Schema: the static types of the facts a rule can name.
//
// A schema is a set of named record types; each record type has named, typed
// fields. The rule compiler resolves every path in a rule (`user.manager.status`)
// to field indices at load time, so evaluation never looks a name up. The domain
// (knowledge/account_schema.h) builds the schema of the account model; engine
// tests build small schemas of their own.
//
// Thread-safety: built once on one thread, then read-only and safe to share.
#ifndef WHYD_ENGINE_SCHEMA_H_
#define WHYD_ENGINE_SCHEMA_H_

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/value.h"

namespace whyd {

class RecordType;

// A fact's static type: a scalar kind, a record type, or a list of either.
struct Type {
  Kind kind = Kind::kAbsent;          // kAbsent here means "any" (untyped)
  Kind element = Kind::kAbsent;       // for kList: the element kind
  const RecordType* record = nullptr; // for kRecord, or kList of kRecord

  static Type Scalar(Kind k) { return Type{k, Kind::kAbsent, nullptr}; }
  static Type RecordOf(const RecordType* r) { return Type{Kind::kRecord, Kind::kAbsent, r}; }
  static Type ListOf(Kind element) { return Type{Kind::kList, element, nullptr}; }
  static Type ListOfRecords(const RecordType* r) { return Type{Kind::kList, Kind::kRecord, r}; }
  // "list<user>", "string", "record user".
  std::string ToString() const;
};

bool operator==(const Type& a, const Type& b);

struct FieldDef {
  std::string name;
  Type type;
  std::string doc;  // one line, shown by `whyd lint --schema` and in docs
};

class RecordType {
 public:
  explicit RecordType(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  int field_count() const { return static_cast<int>(fields_.size()); }
  const FieldDef& field(int index) const { return fields_[index]; }
  // The field's index, or -1 when the record type has no such field.
  int FindField(std::string_view name) const;
  // Adds a field and returns its index. Names must be unique within the type.
  int AddField(std::string name, Type type, std::string doc = "");

 private:
  std::string name_;
  std::vector<FieldDef> fields_;
};

class Schema {
 public:
  // Record types live as long as the schema; the returned pointer is stable.
  RecordType* AddRecordType(std::string name);
  const RecordType* FindRecordType(std::string_view name) const;
  // The record type of the root of every evaluation: its fields are the
  // top-level names a rule can use (`user`, `tenant`, `asker`, ...).
  void set_root(const RecordType* root) { root_ = root; }
  const RecordType* root() const { return root_; }
  const std::deque<RecordType>& record_types() const { return types_; }

 private:
  std::deque<RecordType> types_;
  const RecordType* root_ = nullptr;
};

}  // namespace whyd

#endif  // WHYD_ENGINE_SCHEMA_H_
