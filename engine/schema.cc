// Record types and schemas; see schema.h.
#include "engine/schema.h"

namespace whyd {

std::string Type::ToString() const {
  if (kind == Kind::kAbsent) return "any";
  if (kind == Kind::kRecord) return record ? record->name() : "record";
  if (kind == Kind::kList) {
    if (element == Kind::kRecord && record) return "list<" + record->name() + ">";
    return "list<" + std::string(KindName(element)) + ">";
  }
  return std::string(KindName(kind));
}

bool operator==(const Type& a, const Type& b) {
  return a.kind == b.kind && a.element == b.element && a.record == b.record;
}

int RecordType::FindField(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int RecordType::AddField(std::string name, Type type, std::string doc) {
  fields_.push_back(FieldDef{std::move(name), type, std::move(doc)});
  return static_cast<int>(fields_.size()) - 1;
}

RecordType* Schema::AddRecordType(std::string name) {
  types_.emplace_back(std::move(name));
  return &types_.back();
}

const RecordType* Schema::FindRecordType(std::string_view name) const {
  for (const RecordType& t : types_) {
    if (t.name() == name) return &t;
  }
  return nullptr;
}

}  // namespace whyd
