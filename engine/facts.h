// Records, lists and the arena that owns them: the facts of one evaluation.
//
// The fact gatherer (knowledge/) fills a root Record for one question (the
// subject user, the asker, the tenant, an attachment...) inside a FactArena;
// the engine reads it. Everything is allocated from the arena and freed at once
// when the arena is reset or destroyed, so gathering facts costs a few pointer
// bumps rather than many small allocations.
//
// Thread-safety: a FactArena and the facts in it belong to one thread at a time.
// Finished facts are read-only and may be read from several threads.
#ifndef WHYD_ENGINE_FACTS_H_
#define WHYD_ENGINE_FACTS_H_

#include <cstddef>
#include <memory_resource>
#include <string_view>

#include "engine/schema.h"
#include "engine/value.h"

namespace whyd {

struct Record {
  const RecordType* type;
  Value* fields;  // type->field_count() values, absent until set

  const Value& get(int index) const { return fields[index]; }
  void set(int index, Value v) { fields[index] = v; }
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
