// The expression evaluator; see expr_eval.h.
//
// Semantics (docs/rule-language.md, "Unknown"): absent operands make results
// unknown (an absent Value), null operands are known: equality with null is
// true only for null, ordering against null is false, arithmetic on null is
// null, navigating through a null record gives null.
#include "engine/expr_eval.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#include "engine/time_util.h"

namespace whyd::expr {
namespace {

Value OfTri(Tri t) {
  if (t == Tri::kUnknown) return Value();
  return Value::Bool(t == Tri::kTrue);
}

Tri Not(Tri t) {
  if (t == Tri::kUnknown) return t;
  return t == Tri::kTrue ? Tri::kFalse : Tri::kTrue;
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char UpperAscii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool SameText(std::string_view a, std::string_view b) {
  a = TrimAscii(a);
  b = TrimAscii(b);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

int64_t Utf8Length(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

double AsDouble(const Value& v) {
  return v.kind() == Kind::kInt ? static_cast<double>(v.as_int()) : v.as_float();
}

bool IsNumber(const Value& v) { return v.kind() == Kind::kInt || v.kind() == Kind::kFloat; }

// Converts a double to int64 seconds, or fails when it does not fit.
bool DoubleToInt64(double d, int64_t* out) {
  if (!std::isfinite(d) || d >= 9.2e18 || d <= -9.2e18) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

Value Duration(double seconds) {
  int64_t s;
  return DoubleToInt64(seconds, &s) ? Value::Duration(s) : Value::Null();
}

// Dates move by whole days: floor(duration / 1 day).
Value DatePlus(int32_t date, int64_t seconds, bool subtract) {
  int64_t days = seconds / kSecondsPerDay;
  if (seconds % kSecondsPerDay < 0) --days;
  if (subtract) days = -days;
  const int64_t result = static_cast<int64_t>(date) + days;
  if (result > INT32_MAX || result < INT32_MIN) return Value::Null();
  return Value::Date(static_cast<int32_t>(result));
}

Value Arithmetic(Op op, const Value& a, const Value& b) {
  if (a.is_absent() || b.is_absent()) return Value();
  if (a.is_null() || b.is_null()) return Value::Null();
  const Kind x = a.kind();
  const Kind y = b.kind();
  int64_t r;
  if (x == Kind::kInt && y == Kind::kInt && op != Op::kDiv) {
    bool overflow = false;
    if (op == Op::kAdd) overflow = __builtin_add_overflow(a.as_int(), b.as_int(), &r);
    else if (op == Op::kSub) overflow = __builtin_sub_overflow(a.as_int(), b.as_int(), &r);
    else overflow = __builtin_mul_overflow(a.as_int(), b.as_int(), &r);
    return overflow ? Value::Null() : Value::Int(r);
  }
  if (IsNumber(a) && IsNumber(b)) {
    const double p = AsDouble(a);
    const double q = AsDouble(b);
    switch (op) {
      case Op::kAdd: return Value::Float(p + q);
      case Op::kSub: return Value::Float(p - q);
      case Op::kMul: return Value::Float(p * q);
      default: return q == 0 ? Value::Null() : Value::Float(p / q);
    }
  }
  switch (op) {
    case Op::kAdd:
      if (x == Kind::kTime && y == Kind::kDuration) {
        return __builtin_add_overflow(a.as_time(), b.as_duration(), &r) ? Value::Null() : Value::Time(r);
      }
      if (x == Kind::kDuration && y == Kind::kTime) {
        return __builtin_add_overflow(a.as_duration(), b.as_time(), &r) ? Value::Null() : Value::Time(r);
      }
      if (x == Kind::kDate && y == Kind::kDuration) return DatePlus(a.as_date(), b.as_duration(), false);
      if (x == Kind::kDuration && y == Kind::kDate) return DatePlus(b.as_date(), a.as_duration(), false);
      if (x == Kind::kDuration && y == Kind::kDuration) {
        return __builtin_add_overflow(a.as_duration(), b.as_duration(), &r) ? Value::Null() : Value::Duration(r);
      }
      break;
    case Op::kSub:
      if (x == Kind::kTime && y == Kind::kDuration) {
        return __builtin_sub_overflow(a.as_time(), b.as_duration(), &r) ? Value::Null() : Value::Time(r);
      }
      if (x == Kind::kTime && y == Kind::kTime) {
        return __builtin_sub_overflow(a.as_time(), b.as_time(), &r) ? Value::Null() : Value::Duration(r);
      }
      if (x == Kind::kDate && y == Kind::kDuration) {
        if (b.as_duration() == INT64_MIN) return Value::Null();
        return DatePlus(a.as_date(), b.as_duration(), true);
      }
      if (x == Kind::kDate && y == Kind::kDate) {
        return Value::Duration((static_cast<int64_t>(a.as_date()) - b.as_date()) * kSecondsPerDay);
      }
      if (x == Kind::kDuration && y == Kind::kDuration) {
        return __builtin_sub_overflow(a.as_duration(), b.as_duration(), &r) ? Value::Null() : Value::Duration(r);
      }
      break;
    case Op::kMul:
      if (x == Kind::kDuration && y == Kind::kInt) {
        return __builtin_mul_overflow(a.as_duration(), b.as_int(), &r) ? Value::Null() : Value::Duration(r);
      }
      if (x == Kind::kInt && y == Kind::kDuration) {
        return __builtin_mul_overflow(a.as_int(), b.as_duration(), &r) ? Value::Null() : Value::Duration(r);
      }
      if (x == Kind::kDuration && y == Kind::kFloat) return Duration(static_cast<double>(a.as_duration()) * b.as_float());
      if (x == Kind::kFloat && y == Kind::kDuration) return Duration(a.as_float() * static_cast<double>(b.as_duration()));
      break;
    case Op::kDiv:
      if (x == Kind::kDuration && IsNumber(b)) {
        const double q = AsDouble(b);
        return q == 0 ? Value::Null() : Duration(static_cast<double>(a.as_duration()) / q);
      }
      if (x == Kind::kDuration && y == Kind::kDuration) {
        return b.as_duration() == 0
                   ? Value::Null()
                   : Value::Float(static_cast<double>(a.as_duration()) / static_cast<double>(b.as_duration()));
      }
      break;
    default:
      break;
  }
  return Value();  // kinds the compiler could not see (untyped facts): unknown
}

// Applies a comparison operator to an order (-1, 0, 1).
bool Holds(Op op, int order) {
  switch (op) {
    case Op::kLt: return order < 0;
    case Op::kLe: return order <= 0;
    case Op::kGt: return order > 0;
    case Op::kGe: return order >= 0;
    case Op::kEq: return order == 0;
    case Op::kNe: return order != 0;
    default: return false;
  }
}

// Equality of two known values; the kinds rules compare most often are
// handled here without a call into value.cc.
bool Equal(const Value& a, const Value& b) {
  if (a.kind() == b.kind()) {
    switch (a.kind()) {
      case Kind::kString: {
        const std::string_view x = a.as_string();
        const std::string_view y = b.as_string();
        return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size()) == 0);
      }
      case Kind::kBool:
      case Kind::kInt:
      case Kind::kDate:
      case Kind::kTime:
      case Kind::kDuration: return a.as_int() == b.as_int();
      default: break;
    }
  }
  return a == b;
}

Value Compare(Op op, const Value& a, const Value& b) {
  if (a.is_absent() || b.is_absent()) return Value();
  if (op == Op::kEq) return Value::Bool(Equal(a, b));
  if (op == Op::kNe) return Value::Bool(!Equal(a, b));
  if (a.is_null() || b.is_null()) return Value::Bool(false);
  // Same-kind integers, dates, timestamps and durations: the common case.
  if (a.kind() == b.kind() && a.kind() != Kind::kString && a.kind() != Kind::kFloat &&
      a.kind() != Kind::kList && a.kind() != Kind::kRecord) {
    const int64_t x = a.as_int();
    const int64_t y = b.as_int();
    return Value::Bool(Holds(op, x < y ? -1 : (y < x ? 1 : 0)));
  }
  int order;
  if (!CompareValues(a, b, &order)) return Value();
  return Value::Bool(Holds(op, order));
}

// Whether `list` holds `x`: three-valued (an absent item may be the one).
Tri ListHolds(const Value& list, const Value& x) {
  if (list.is_absent() || x.is_absent()) return Tri::kUnknown;
  if (list.kind() != Kind::kList) return list.is_null() ? Tri::kFalse : Tri::kUnknown;
  bool unknown = false;
  for (const Value& item : *list.as_list()) {
    if (item.is_absent()) unknown = true;
    else if (Equal(item, x)) return Tri::kTrue;
  }
  return unknown ? Tri::kUnknown : Tri::kFalse;
}

class Evaluator {
 public:
  Evaluator(const EvalContext& ctx, Trace* trace) : ctx_(ctx), trace_(trace) {}

  // Eval with the commonest leaves handled without a recursive call: a tree
  // walk spends most of its time in call overhead, not in the work.
  Value Get(const Node* n) {
    switch (n->op) {
      case Op::kConst: return n->value;
      case Op::kVar:
        if (n->condition < 0) return vars()[n->slot];
        break;
      case Op::kPath: return EvalPath(n);
      case Op::kCall:
        if (n->fn == Fn::kNow) return Value::Time(ctx_.now);
        break;
      default: break;
    }
    return Eval(n);
  }

  Value Eval(const Node* n) {
    switch (n->op) {
      case Op::kConst: return n->value;
      case Op::kPath: return EvalPath(n);
      case Op::kVar: {
        const Value v = vars()[n->slot];
        if (n->condition >= 0) RecordOutcome(n, TriOf(v), v, Value());
        return v;
      }
      case Op::kNot: return OfTri(Not(TriOf(Get(n->args[0]))));
      case Op::kAnd: {
        bool unknown = false;
        for (const Node* a : n->args) {
          const Tri t = TriOf(Get(a));
          if (t == Tri::kFalse) return Value::Bool(false);
          if (t == Tri::kUnknown) unknown = true;
        }
        return unknown ? Value() : Value::Bool(true);
      }
      case Op::kOr: {
        bool unknown = false;
        for (const Node* a : n->args) {
          const Tri t = TriOf(Get(a));
          if (t == Tri::kTrue) return Value::Bool(true);
          if (t == Tri::kUnknown) unknown = true;
        }
        return unknown ? Value() : Value::Bool(false);
      }
      case Op::kEq:
      case Op::kNe:
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        const Value a = Get(n->args[0]);
        const Value b = Get(n->args[1]);
        const Value r = Compare(n->op, a, b);
        RecordOutcome(n, TriOf(r), a, b);
        return r;
      }
      case Op::kIf: {
        const Tri t = TriOf(Get(n->args[0]));
        if (t == Tri::kUnknown) return Value();
        return Get(n->args[t == Tri::kTrue ? 1 : 2]);
      }
      case Op::kCall: return EvalCall(n);
      default: return EvalRare(n);
    }
  }

 private:
  // The operators that are rare in conditions, kept out of Eval so that its
  // stack frame, paid on every recursive call, stays small.
  [[gnu::noinline]] Value EvalRare(const Node* n) {
    switch (n->op) {
      case Op::kList: {
        if (ctx_.scratch == nullptr) return Value();
        Value* items = nullptr;
        List* list = ctx_.scratch->NewList(n->args.size(), &items);
        for (size_t i = 0; i < n->args.size(); ++i) items[i] = Get(n->args[i]);
        return Value::OfList(list);
      }
      case Op::kNeg: {
        const Value v = Get(n->args[0]);
        switch (v.kind()) {
          case Kind::kInt: return v.as_int() == INT64_MIN ? Value::Null() : Value::Int(-v.as_int());
          case Kind::kFloat: return Value::Float(-v.as_float());
          case Kind::kDuration:
            return v.as_duration() == INT64_MIN ? Value::Null() : Value::Duration(-v.as_duration());
          case Kind::kNull: return v;
          default: return Value();
        }
      }
      case Op::kIn:
      case Op::kNotIn: {
        const Value a = Get(n->args[0]);
        const Value b = Get(n->args[1]);
        Tri t = ListHolds(b, a);
        if (n->op == Op::kNotIn) t = Not(t);
        RecordOutcome(n, t, a, b);
        return OfTri(t);
      }
      case Op::kAdd:
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv: return Arithmetic(n->op, Get(n->args[0]), Get(n->args[1]));
      default: return Value();
    }
  }

 private:
  void RecordOutcome(const Node* n, Tri t, const Value& lhs, const Value& rhs) {
    if (trace_ != nullptr && n->condition >= 0) [[unlikely]] RecordInTrace(n, t, lhs, rhs);
  }
  [[gnu::noinline]] void RecordInTrace(const Node* n, Tri t, const Value& lhs, const Value& rhs) {
    trace_->Record(n->condition, t, lhs, rhs);
  }

  [[gnu::noinline]] Value EvalPath(const Node* n) {
    Value v;
    const Node* base = n->base;
    if (base == nullptr) {
      if (ctx_.root != nullptr) v = Value::OfRecord(ctx_.root);
    } else if (base->op == Op::kVar) {
      v = vars()[base->slot];
    } else {
      v = Get(base);
    }
    for (const PathStep& step : n->steps) {
      if (v.kind() != Kind::kRecord) [[unlikely]] {
        // Through null: a known "nothing". Through absent or a value that is
        // not a record (untyped facts): unknown.
        if (!v.is_null()) v = Value();
        break;
      }
      const Record* r = v.as_record();
      if (r->type != step.record) [[unlikely]] {
        v = Value();
        break;
      }
      v = r->get(step.field);  // resolves a pending field
    }
    if (v.is_absent() || n->condition >= 0) [[unlikely]] PathSeen(n, v);
    return v;
  }

  // Records a missing fact and, for a bare boolean fact, its outcome.
  [[gnu::noinline]] void PathSeen(const Node* n, const Value& v) {
    if (v.is_absent() && n->record_missing && trace_ != nullptr && n->path >= 0) {
      const auto& missing = trace_->missing();
      if (std::find(missing.begin(), missing.end(), n->path) == missing.end()) trace_->RecordMissing(n->path);
    }
    if (n->condition >= 0) RecordOutcome(n, TriOf(v), v, Value());
  }

  // Evaluates a lambda body for one item.
  Value Apply(const Node* call, const Value& item) {
    new (&vars()[call->slot]) Value(item);
    return Eval(call->args[1]);
  }

  [[gnu::noinline]] Value EvalCall(const Node* n) {
    const auto& a = n->args;
    switch (n->fn) {
      case Fn::kCount: {
        const Value xs = Get(a[0]);
        if (xs.is_null()) return Value::Int(0);
        if (xs.kind() != Kind::kList) return Value();
        if (a.size() == 1) return Value::Int(xs.as_list()->size);
        int64_t count = 0;
        bool unknown = false;
        for (const Value& item : *xs.as_list()) {
          const Tri t = TriOf(Apply(n, item));
          if (t == Tri::kTrue) ++count;
          else if (t == Tri::kUnknown) unknown = true;
        }
        return unknown ? Value() : Value::Int(count);
      }
      case Fn::kAny:
      case Fn::kAll: {
        const Value xs = Get(a[0]);
        const bool any = n->fn == Fn::kAny;
        Tri result;
        if (xs.is_null()) {
          result = any ? Tri::kFalse : Tri::kTrue;
        } else if (xs.kind() != Kind::kList) {
          result = Tri::kUnknown;
        } else {
          // any: true decides; all: false decides; otherwise unknown items win.
          const Tri decisive = any ? Tri::kTrue : Tri::kFalse;
          bool unknown = false;
          result = Not(decisive);
          for (const Value& item : *xs.as_list()) {
            const Tri t = TriOf(Apply(n, item));
            if (t == decisive) {
              result = decisive;
              unknown = false;
              break;
            }
            if (t == Tri::kUnknown) unknown = true;
          }
          if (unknown) result = Tri::kUnknown;
        }
        RecordOutcome(n, result, xs, Value());
        return OfTri(result);
      }
      case Fn::kWhere:
      case Fn::kMap: {
        const Value xs = Get(a[0]);
        if (xs.kind() != Kind::kList) return xs.is_null() ? xs : Value();
        if (ctx_.scratch == nullptr) return Value();
        const List* in = xs.as_list();
        Value* items = nullptr;
        List* out = ctx_.scratch->NewList(in->size, &items);
        uint32_t size = 0;
        for (const Value& item : *in) {
          const Value v = Apply(n, item);
          if (n->fn == Fn::kMap) items[size++] = v;
          else if (TriOf(v) == Tri::kTrue) items[size++] = item;
        }
        out->size = size;
        return Value::OfList(out);
      }
      case Fn::kNewest:
      case Fn::kOldest: {
        const Value xs = Get(a[0]);
        if (xs.kind() != Kind::kList) return xs.is_null() ? xs : Value();
        Value best = Value::Null();
        Value best_key;
        for (const Value& item : *xs.as_list()) {
          const Value key = Apply(n, item);
          if (key.is_absent()) return Value();  // the unknown one might have won
          if (key.is_null()) continue;
          int order = 0;
          if (!best_key.is_absent() && !CompareValues(key, best_key, &order)) return Value();
          // Ties go to the later item.
          if (best_key.is_absent() || (n->fn == Fn::kNewest ? order >= 0 : order <= 0)) {
            best = item;
            best_key = key;
          }
        }
        return best;
      }
      case Fn::kFirst:
      case Fn::kLast: {
        const Value xs = Get(a[0]);
        if (xs.kind() != Kind::kList) return xs.is_null() ? xs : Value();
        const List* l = xs.as_list();
        if (l->size == 0) return Value::Null();
        return n->fn == Fn::kFirst ? l->items[0] : l->items[l->size - 1];
      }
      case Fn::kFirstN:
      case Fn::kLastN: {
        const Value xs = Get(a[0]);
        const Value count = Get(a[1]);
        if (xs.is_absent() || count.is_absent()) return Value();
        if (xs.is_null()) return xs;
        if (xs.kind() != Kind::kList || count.kind() != Kind::kInt || ctx_.scratch == nullptr) return Value();
        const List* l = xs.as_list();
        const uint32_t n_items =
            static_cast<uint32_t>(std::clamp<int64_t>(count.as_int(), 0, static_cast<int64_t>(l->size)));
        const Value* start = n->fn == Fn::kFirstN ? l->items : l->items + (l->size - n_items);
        return Value::OfList(ctx_.scratch->NewList(start, n_items));
      }
      case Fn::kMin:
      case Fn::kMax: {
        const bool want_max = n->fn == Fn::kMax;
        if (a.size() == 2) {
          const Value x = Get(a[0]);
          const Value y = Get(a[1]);
          if (x.is_absent() || y.is_absent()) return Value();
          if (x.is_null() || y.is_null()) return Value::Null();
          int order;
          if (!CompareValues(x, y, &order)) return Value();
          return (want_max ? order >= 0 : order <= 0) ? x : y;
        }
        const Value xs = Get(a[0]);
        if (xs.kind() != Kind::kList) return xs.is_null() ? xs : Value();
        Value best = Value::Null();
        for (const Value& item : *xs.as_list()) {
          if (item.is_absent()) return Value();
          if (item.is_null()) continue;
          int order = 0;
          if (!best.is_null() && !CompareValues(item, best, &order)) return Value();
          if (best.is_null() || (want_max ? order > 0 : order < 0)) best = item;
        }
        return best;
      }
      case Fn::kSum: {
        const Value xs = Get(a[0]);
        if (xs.kind() != Kind::kList) return xs.is_null() ? xs : Value();
        Kind kind = n->type.kind == Kind::kAbsent ? Kind::kInt : n->type.kind;
        int64_t whole = 0;
        double fraction_sum = 0;
        for (const Value& item : *xs.as_list()) {
          if (item.is_absent()) return Value();
          if (item.is_null()) continue;
          if (item.kind() == Kind::kFloat) {
            kind = Kind::kFloat;
            fraction_sum += item.as_float();
          } else if (item.kind() == Kind::kInt || item.kind() == Kind::kDuration) {
            if (__builtin_add_overflow(whole, item.as_int(), &whole)) return Value::Null();
            if (item.kind() == Kind::kDuration) kind = Kind::kDuration;
          } else {
            return Value();
          }
        }
        if (kind == Kind::kFloat) return Value::Float(fraction_sum + static_cast<double>(whole));
        return kind == Kind::kDuration ? Value::Duration(whole) : Value::Int(whole);
      }
      case Fn::kLower:
      case Fn::kUpper: {
        const Value s = Get(a[0]);
        if (s.kind() != Kind::kString) return s.is_null() ? s : Value();
        if (ctx_.scratch == nullptr) return Value();
        const std::string_view in = s.as_string();
        const std::string_view copy = ctx_.scratch->CopyString(in);
        char* out = const_cast<char*>(copy.data());
        for (size_t i = 0; i < copy.size(); ++i) out[i] = n->fn == Fn::kLower ? LowerAscii(in[i]) : UpperAscii(in[i]);
        return Value::String(copy);
      }
      case Fn::kTrim: {
        const Value s = Get(a[0]);
        if (s.kind() != Kind::kString) return s.is_null() ? s : Value();
        return Value::String(TrimAscii(s.as_string()));
      }
      case Fn::kLen: {
        const Value s = Get(a[0]);
        if (s.kind() == Kind::kString) return Value::Int(Utf8Length(s.as_string()));
        if (s.kind() == Kind::kList) return Value::Int(s.as_list()->size);
        return s.is_null() ? Value::Int(0) : Value();
      }
      case Fn::kContains:
      case Fn::kStartsWith:
      case Fn::kEndsWith:
      case Fn::kSameText:
      case Fn::kMatches: {
        const Value x = Get(a[0]);
        const Value y = Get(a[1]);
        const Tri t = StringPredicate(n, x, y);
        RecordOutcome(n, t, x, y);
        return OfTri(t);
      }
      case Fn::kExists: {
        const Value x = Get(a[0]);
        const Tri t = x.is_absent() ? Tri::kFalse : Tri::kTrue;
        RecordOutcome(n, t, x, Value());
        return OfTri(t);
      }
      case Fn::kIsSet: {
        const Value x = Get(a[0]);
        Tri t = Tri::kTrue;
        if (x.is_absent()) t = Tri::kUnknown;
        else if (x.is_null()) t = Tri::kFalse;
        else if (x.kind() == Kind::kString && x.as_string().empty()) t = Tri::kFalse;
        else if (x.kind() == Kind::kList && x.as_list()->size == 0) t = Tri::kFalse;
        RecordOutcome(n, t, x, Value());
        return OfTri(t);
      }
      case Fn::kCoalesce: {
        const Value x = Get(a[0]);
        return x.is_empty() ? Get(a[1]) : x;
      }
      case Fn::kNow: return Value::Time(ctx_.now);
      case Fn::kToday: return Value::Date(DateOfTime(ctx_.now));
      case Fn::kDate: {
        const Value t = Get(a[0]);
        if (t.kind() == Kind::kTime) return Value::Date(DateOfTime(t.as_time()));
        if (t.kind() == Kind::kDate) return t;
        return t.is_null() ? t : Value();
      }
      case Fn::kTimestamp: return Value();  // always folded at compile time
      case Fn::kDays:
      case Fn::kHours:
      case Fn::kMinutes: {
        const int64_t unit = n->fn == Fn::kDays ? kSecondsPerDay : n->fn == Fn::kHours ? 3600 : 60;
        const Value x = Get(a[0]);
        if (x.kind() == Kind::kDuration) return Value::Int(x.as_duration() / unit);
        if (x.kind() == Kind::kInt) {
          int64_t r;
          return __builtin_mul_overflow(x.as_int(), unit, &r) ? Value::Null() : Value::Duration(r);
        }
        if (x.kind() == Kind::kFloat) return Duration(x.as_float() * static_cast<double>(unit));
        return x.is_null() ? x : Value();
      }
      case Fn::kNone: break;
    }
    return Value();
  }

  Tri StringPredicate(const Node* n, const Value& x, const Value& y) {
    if (n->fn == Fn::kContains && x.kind() == Kind::kList) return ListHolds(x, y);
    if (x.is_absent() || y.is_absent()) return Tri::kUnknown;
    if (n->fn == Fn::kSameText && x.is_null() && y.is_null()) return Tri::kTrue;
    if (x.is_null() || y.is_null()) return Tri::kFalse;
    if (x.kind() != Kind::kString || y.kind() != Kind::kString) return Tri::kUnknown;
    const std::string_view s = x.as_string();
    const std::string_view t = y.as_string();
    bool r = false;
    switch (n->fn) {
      case Fn::kContains: r = s.find(t) != std::string_view::npos; break;
      case Fn::kStartsWith: r = s.substr(0, t.size()) == t; break;
      case Fn::kEndsWith: r = s.size() >= t.size() && s.substr(s.size() - t.size()) == t; break;
      case Fn::kSameText: r = SameText(s, t); break;
      case Fn::kMatches: r = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *n->regex); break;
      default: break;
    }
    return r ? Tri::kTrue : Tri::kFalse;
  }

  const EvalContext& ctx_;
  Trace* trace_;
  // Lambda parameters, one slot each. Raw storage, because a slot is always
  // written before its lambda body reads it and zeroing 16 Values would cost
  // more than evaluating a simple condition.
  Value* vars() { return std::launder(reinterpret_cast<Value*>(vars_)); }
  alignas(Value) unsigned char vars_[kMaxLambdaSlots * sizeof(Value)];
};

}  // namespace

bool CompareValues(const Value& a, const Value& b, int* order) {
  auto three_way = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (IsNumber(a) && IsNumber(b)) {
    if (a.kind() == Kind::kInt && b.kind() == Kind::kInt) *order = three_way(a.as_int(), b.as_int());
    else *order = three_way(AsDouble(a), AsDouble(b));
    return true;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::kString: {
      const int c = a.as_string().compare(b.as_string());
      *order = c < 0 ? -1 : (c > 0 ? 1 : 0);
      return true;
    }
    case Kind::kDate:
    case Kind::kTime:
    case Kind::kDuration: *order = three_way(a.as_int(), b.as_int()); return true;
    case Kind::kBool: *order = three_way(a.as_int(), b.as_int()); return true;
    default: return false;
  }
}

Value Evaluate(const Program& program, const EvalContext& ctx, Trace* trace) {
  if (program.root == nullptr) return Value();
  Evaluator evaluator(ctx, trace);
  return evaluator.Get(program.root);
}

}  // namespace whyd::expr
