// The fact arena; see facts.h.
#include "engine/facts.h"

#include <cstring>
#include <new>

namespace whyd {

FactArena::FactArena() : resource_(initial_, sizeof(initial_)) {}

void* FactArena::Allocate(size_t bytes, size_t align) {
  used_ += bytes;
  return resource_.allocate(bytes == 0 ? 1 : bytes, align);
}

Record* FactArena::NewRecord(const RecordType* type) {
  auto* record = static_cast<Record*>(Allocate(sizeof(Record), alignof(Record)));
  const int n = type->field_count();
  auto* fields = static_cast<Value*>(Allocate(sizeof(Value) * n, alignof(Value)));
  for (int i = 0; i < n; ++i) new (&fields[i]) Value();
  record->type = type;
  record->fields = fields;
  return record;
}

List* FactArena::NewList(size_t size, Value** items) {
  auto* list = static_cast<List*>(Allocate(sizeof(List), alignof(List)));
  auto* storage = static_cast<Value*>(Allocate(sizeof(Value) * size, alignof(Value)));
  for (size_t i = 0; i < size; ++i) new (&storage[i]) Value();
  list->items = storage;
  list->size = static_cast<uint32_t>(size);
  *items = storage;
  return list;
}

List* FactArena::NewList(const Value* items, size_t size) {
  Value* storage = nullptr;
  List* list = NewList(size, &storage);
  for (size_t i = 0; i < size; ++i) storage[i] = items[i];
  return list;
}

std::string_view FactArena::CopyString(std::string_view s) {
  if (s.empty()) return {};
  auto* data = static_cast<char*>(Allocate(s.size(), 1));
  std::memcpy(data, s.data(), s.size());
  return {data, s.size()};
}

void FactArena::Reset() {
  resource_.release();
  used_ = 0;
}

}  // namespace whyd
