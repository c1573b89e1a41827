// Kind names and structural equality of Values; see value.h.
#include "engine/value.h"

#include "engine/facts.h"

namespace whyd {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kAbsent: return "absent";
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "string";
    case Kind::kDate: return "date";
    case Kind::kTime: return "timestamp";
    case Kind::kDuration: return "duration";
    case Kind::kList: return "list";
    case Kind::kRecord: return "record";
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) {
    if (a.kind() == Kind::kInt && b.kind() == Kind::kFloat) return static_cast<double>(a.as_int()) == b.as_float();
    if (a.kind() == Kind::kFloat && b.kind() == Kind::kInt) return a.as_float() == static_cast<double>(b.as_int());
    return false;
  }
  switch (a.kind()) {
    case Kind::kAbsent:
    case Kind::kNull: return true;
    case Kind::kBool: return a.as_bool() == b.as_bool();
    case Kind::kFloat: return a.as_float() == b.as_float();
    case Kind::kString: return a.as_string() == b.as_string();
    case Kind::kInt:
    case Kind::kDate:
    case Kind::kTime:
    case Kind::kDuration: return a.as_int() == b.as_int();
    case Kind::kRecord: return a.as_record() == b.as_record();
    case Kind::kList: {
      const List* x = a.as_list();
      const List* y = b.as_list();
      if (x->size != y->size) return false;
      for (uint32_t i = 0; i < x->size; ++i) {
        if (!(x->items[i] == y->items[i])) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace whyd
