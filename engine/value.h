// Value: one typed fact, as the rule engine sees it.
//
// A Value is 16 bytes and trivially copyable. Scalars are held inline; strings,
// lists and records are borrowed pointers into a FactArena (facts.h) or into
// storage that outlives the evaluation (compiled literals). Two "nothing" kinds
// exist on purpose: kAbsent is a fact nobody told us (unknown: the engine's
// three-valued logic propagates it), kNull is a fact known to be empty
// (`locked_until: null` means "not locked", which is known).
//
// A third, internal state lives only in the fields of a Record: a pending
// value (facts.h, PendingField), worked out on first read. It looks absent
// to anything but Record::get, which resolves it before handing it out, so
// no other code ever sees one.
//
// Thread-safety: values; immutable once built.
#ifndef WHYD_ENGINE_VALUE_H_
#define WHYD_ENGINE_VALUE_H_

#include <cstdint>
#include <string_view>

namespace whyd {

enum class Kind : uint8_t {
  kAbsent,    // unknown: the fact was not given
  kNull,      // known to be empty
  kBool,
  kInt,       // int64
  kFloat,     // double
  kString,    // UTF-8, borrowed
  kDate,      // days since 1970-01-01 (UTC calendar date)
  kTime,      // seconds since 1970-01-01T00:00:00Z
  kDuration,  // seconds
  kList,
  kRecord,
};

std::string_view KindName(Kind kind);

struct Record;
struct List;
struct PendingField;

class Value {
 public:
  constexpr Value() : kind_(Kind::kAbsent), size_(0), i_(0) {}

  static constexpr Value Null() { Value v; v.kind_ = Kind::kNull; return v; }
  static constexpr Value Bool(bool b) { Value v; v.kind_ = Kind::kBool; v.i_ = b ? 1 : 0; return v; }
  static constexpr Value Int(int64_t i) { Value v; v.kind_ = Kind::kInt; v.i_ = i; return v; }
  static Value Float(double d) { Value v; v.kind_ = Kind::kFloat; v.f_ = d; return v; }
  // `s` must outlive every copy of the returned Value (use FactArena::CopyString).
  static Value String(std::string_view s) {
    Value v; v.kind_ = Kind::kString; v.s_ = s.data(); v.size_ = static_cast<uint32_t>(s.size()); return v;
  }
  static constexpr Value Date(int32_t days) { Value v; v.kind_ = Kind::kDate; v.i_ = days; return v; }
  static constexpr Value Time(int64_t unix_seconds) { Value v; v.kind_ = Kind::kTime; v.i_ = unix_seconds; return v; }
  static constexpr Value Duration(int64_t seconds) { Value v; v.kind_ = Kind::kDuration; v.i_ = seconds; return v; }
  static Value OfList(const List* l) { Value v; v.kind_ = Kind::kList; v.l_ = l; return v; }
  static Value OfRecord(const Record* r) { Value v; v.kind_ = Kind::kRecord; v.r_ = r; return v; }
  // A record field to be resolved on first read (facts.h); only Record::get
  // and the code that fills records may see one.
  static Value Pending(const PendingField* p) {
    Value v; v.i_ = static_cast<int64_t>(reinterpret_cast<intptr_t>(p)); return v;
  }

  Kind kind() const { return kind_; }
  bool is_absent() const { return kind_ == Kind::kAbsent; }
  bool is_null() const { return kind_ == Kind::kNull; }
  // Absent or null: there is no value to look at.
  bool is_empty() const { return kind_ == Kind::kAbsent || kind_ == Kind::kNull; }

  bool as_bool() const { return i_ != 0; }
  int64_t as_int() const { return i_; }
  double as_float() const { return f_; }
  std::string_view as_string() const { return {s_, size_}; }
  int32_t as_date() const { return static_cast<int32_t>(i_); }
  int64_t as_time() const { return i_; }
  int64_t as_duration() const { return i_; }
  const List* as_list() const { return l_; }
  const Record* as_record() const { return r_; }
  // Absent with a payload: a pending field (every other absent Value is all zero).
  bool is_pending() const { return kind_ == Kind::kAbsent && i_ != 0; }
  const PendingField* as_pending() const {
    return reinterpret_cast<const PendingField*>(static_cast<intptr_t>(i_));
  }

 private:
  Kind kind_;
  uint32_t size_;  // string length
  union {
    int64_t i_;
    double f_;
    const char* s_;
    const List* l_;
    const Record* r_;
  };
};

static_assert(sizeof(Value) == 16, "Value must stay small: facts are copied freely");

// Structural equality (strings by content, lists element-wise, records by
// identity). Absent equals only absent; callers doing three-valued logic check
// for absent first.
bool operator==(const Value& a, const Value& b);

}  // namespace whyd

#endif  // WHYD_ENGINE_VALUE_H_
