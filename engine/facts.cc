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

// A record and its fields, and a list and its items, are one allocation each
// (the same bytes as two, half the bookkeeping); "absent" is all zero bytes,
// so fields and items are cleared with one memset.
static_assert(static_cast<int>(Kind::kAbsent) == 0, "an all-zero Value must be absent");
static_assert(alignof(Record) >= alignof(Value) && sizeof(Record) % alignof(Value) == 0);
static_assert(alignof(List) >= alignof(Value) && sizeof(List) % alignof(Value) == 0);

Record* FactArena::NewRecord(const RecordType* type) {
  const size_t n = static_cast<size_t>(type->field_count());
  void* block = Allocate(sizeof(Record) + sizeof(Value) * n, alignof(Record));
  auto* record = static_cast<Record*>(block);
  auto* fields = reinterpret_cast<Value*>(static_cast<char*>(block) + sizeof(Record));
  std::memset(static_cast<void*>(fields), 0, sizeof(Value) * n);
  record->type = type;
  record->fields_ = fields;
  return record;
}

void Record::CopyFieldsFrom(const Record& from) {
  std::memcpy(static_cast<void*>(fields_), from.fields_, sizeof(Value) * static_cast<size_t>(type->field_count()));
}

void Record::Resolve(int index) const {
  // Records are never made const (FactArena::NewRecord hands out Record*),
  // so writing through this const_cast is well defined; see facts.h for why
  // a read may write.
  Record& self = const_cast<Record&>(*this);
  const PendingField* pending = fields_[index].as_pending();
  pending->resolve(*pending, self, index);
  if (fields_[index].is_pending()) [[unlikely]] fields_[index] = Value();  // a resolver's bug: unknown, never a loop
}

List* FactArena::NewList(size_t size, Value** items) {
  void* block = Allocate(sizeof(List) + sizeof(Value) * size, alignof(List));
  auto* list = static_cast<List*>(block);
  auto* storage = reinterpret_cast<Value*>(static_cast<char*>(block) + sizeof(List));
  std::memset(static_cast<void*>(storage), 0, sizeof(Value) * size);
  list->items = storage;
  list->size = static_cast<uint32_t>(size);
  *items = storage;
  return list;
}

List* FactArena::NewList(const Value* items, size_t size) {
  void* block = Allocate(sizeof(List) + sizeof(Value) * size, alignof(List));
  auto* list = static_cast<List*>(block);
  auto* storage = reinterpret_cast<Value*>(static_cast<char*>(block) + sizeof(List));
  if (size != 0) std::memcpy(static_cast<void*>(storage), items, sizeof(Value) * size);
  list->items = storage;
  list->size = static_cast<uint32_t>(size);
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
