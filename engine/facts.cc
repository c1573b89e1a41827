// The fact arena; see facts.h.
#include "engine/facts.h"

#include <sys/mman.h>

#include <cstring>
#include <new>

namespace whyd {

namespace {

class MmapResource : public std::pmr::memory_resource {
  void* do_allocate(size_t bytes, size_t /*alignment: pages satisfy any*/) override {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  void do_deallocate(void* p, size_t bytes, size_t) override { munmap(p, bytes); }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }
};

}  // namespace

std::pmr::memory_resource* PageResource() {
  static MmapResource* resource = new MmapResource;
  return resource;
}

FactArena::FactArena() : resource_(initial_, sizeof(initial_)) {}
FactArena::FactArena(std::pmr::memory_resource* upstream) : resource_(initial_, sizeof(initial_), upstream) {}

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
