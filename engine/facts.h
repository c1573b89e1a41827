// Records, lists and the arena that owns them: the facts of one evaluation.
//
// The fact gatherer (knowledge/) fills a root Record for one question (the
// subject user, the asker, the tenant, an attachment...) inside a FactArena;
// the engine reads it. Everything is allocated from the arena and freed at once
// when the arena is reset or destroyed, so gathering facts costs a few pointer
// bumps rather than many small allocations.
//
// Some fields may be pending (PendingField): worked out on their first read,
// so that facts no rule, template or explanation reads are never built.
// Record::get is the only way to read a field, and it resolves a pending one
// first; the resolved value is stored in the record, so a field is resolved
// at most once and every later read sees the same value (the same records,
// for identity comparisons).
//
// Thread-safety: a FactArena and the facts in it belong to one thread at a time.
// Reading a record that may hold pending fields writes to it (and allocates
// in the arena the pending fields name), so such facts belong to the thread
// of their arena: per-request facts. Records with no pending fields (those a
// TenantView holds, compiled literals) are read-only and may be read from
// several threads.
#ifndef WHYD_ENGINE_FACTS_H_
#define WHYD_ENGINE_FACTS_H_

#include <cstddef>
#include <memory_resource>
#include <new>
#include <string_view>
#include <type_traits>

#include "engine/schema.h"
#include "engine/value.h"

namespace whyd {

struct Record;

// A field of a record whose value is worked out when it is first read. Lives
// in the arena of the record (or longer); `resolve` must set field `index` of
// `record` to a value that is not pending, and may set other fields it works
// out along the way (so that values computed together stay the same records).
// It may read other fields of the record, never field `index` itself.
struct PendingField {
  void (*resolve)(const PendingField& self, Record& record, int index);
};

struct Record {
  const RecordType* type;

  // Field `index`; a pending field is resolved (and stored) first.
  const Value& get(int index) const {
    const Value& v = fields_[index];
    if (v.is_pending()) [[unlikely]] Resolve(index);
    return v;
  }
  void set(int index, Value v) { fields_[index] = v; }
  // Sets every field to that of `from`, a record of the same type with no
  // pending fields (a stored record being copied for a question).
  void CopyFieldsFrom(const Record& from);

 private:
  friend class FactArena;
  friend class RecordReader;  // decodes straight into the fields
  [[gnu::noinline]] void Resolve(int index) const;

  Value* fields_;  // type->field_count() values, absent until set
};

struct List {
  const Value* items;
  uint32_t size;

  const Value* begin() const { return items; }
  const Value* end() const { return items + size; }
};

// Memory straight from the operating system (mmap), for arenas that hold a
// large data set for a long time (a tenant's view): freeing such an arena
// gives its memory back at once, instead of leaving holes in the heap that
// the next large arena cannot always reuse. Thread-safe; lives forever.
std::pmr::memory_resource* PageResource();

class FactArena {
 public:
  FactArena();
  // An arena whose blocks beyond the first 8 KiB come from `upstream`.
  explicit FactArena(std::pmr::memory_resource* upstream);
  FactArena(const FactArena&) = delete;
  FactArena& operator=(const FactArena&) = delete;

  // A record of the given type with every field absent.
  Record* NewRecord(const RecordType* type);
  // A list of `size` items, all absent, for the caller to fill.
  List* NewList(size_t size, Value** items);
  List* NewList(const Value* items, size_t size);
  // A copy of `s` that lives as long as the arena.
  std::string_view CopyString(std::string_view s);
  Value StringValue(std::string_view s) { return Value::String(CopyString(s)); }
  // A copy of `value` that lives as long as the arena; it is never
  // destroyed, so T must be trivially destructible (a PendingField's state).
  template <typename T>
  T* Copy(const T& value) {
    static_assert(std::is_trivially_destructible_v<T>, "the arena never runs destructors");
    return new (Allocate(sizeof(T), alignof(T))) T(value);
  }

  // Frees everything at once; earlier pointers dangle afterwards.
  void Reset();
  size_t bytes_used() const { return used_; }

 private:
  void* Allocate(size_t bytes, size_t align);

  alignas(std::max_align_t) char initial_[8192];
  std::pmr::monotonic_buffer_resource resource_;
  size_t used_ = 0;
};

}  // namespace whyd

#endif  // WHYD_ENGINE_FACTS_H_
