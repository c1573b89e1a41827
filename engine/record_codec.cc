// The compact record encoding; see record_codec.h.
//
// Layout of one record: varint count of set fields, then per field: varint
// field index, one kind byte, and the payload (none for null; one byte for
// bool; a zigzag varint for int, date, time and duration; 8 bytes for float;
// varint length and bytes for a string; varint count and items, each a kind
// byte and payload, for a list).
#include "engine/record_codec.h"

#include <cstring>
#include <vector>

namespace whyd {
namespace {

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

bool Encodable(const Value& v, bool in_list) {
  switch (v.kind()) {
    case Kind::kRecord: return false;
    case Kind::kAbsent: return !in_list;
    case Kind::kList:
      if (in_list) return false;
      for (const Value& item : *v.as_list()) {
        if (!Encodable(item, true)) return false;
      }
      return true;
    default: return true;
  }
}

void AppendValue(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(v.kind()));
  switch (v.kind()) {
    case Kind::kAbsent:
    case Kind::kNull:
    case Kind::kRecord: break;
    case Kind::kBool: out->push_back(v.as_bool() ? 1 : 0); break;
    case Kind::kInt:
    case Kind::kDate:
    case Kind::kTime:
    case Kind::kDuration: AppendVarint(ZigZag(v.as_int()), out); break;
    case Kind::kFloat: {
      double d = v.as_float();
      char bytes[sizeof d];
      std::memcpy(bytes, &d, sizeof d);
      out->append(bytes, sizeof d);
      break;
    }
    case Kind::kString:
      AppendVarint(v.as_string().size(), out);
      out->append(v.as_string());
      break;
    case Kind::kList:
      AppendVarint(v.as_list()->size, out);
      for (const Value& item : *v.as_list()) AppendValue(item, out);
      break;
  }
}

}  // namespace

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool EncodeRecord(const Record& record, std::string* out) {
  const int n = record.type->field_count();
  uint64_t set = 0;
  for (int i = 0; i < n; ++i) {
    const Value& v = record.get(i);
    if (v.is_absent()) continue;
    if (!Encodable(v, false)) return false;
    ++set;
  }
  AppendVarint(set, out);
  for (int i = 0; i < n; ++i) {
    const Value& v = record.get(i);
    if (v.is_absent()) continue;
    AppendVarint(static_cast<uint64_t>(i), out);
    AppendValue(v, out);
  }
  return true;
}

bool RecordReader::ReadLongVarint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
    const auto byte = static_cast<unsigned char>(*p_++);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  ok_ = false;
  return false;
}

bool RecordReader::ReadValue(bool in_list, FactArena& arena, Value* out) {
  const char*& p = p_;
  const char* const end = end_;
  if (p == end) return false;
  const auto kind = static_cast<Kind>(*p++);
  uint64_t u = 0;
  switch (kind) {
    case Kind::kNull: *out = Value::Null(); return true;
    case Kind::kBool:
      if (p == end) return false;
      *out = Value::Bool(*p++ != 0);
      return true;
    case Kind::kInt:
    case Kind::kDate:
    case Kind::kTime:
    case Kind::kDuration: {
      if (!ReadVarint(&u)) return false;
      const int64_t i = UnZigZag(u);
      *out = kind == Kind::kInt ? Value::Int(i)
             : kind == Kind::kDate ? Value::Date(static_cast<int32_t>(i))
             : kind == Kind::kTime ? Value::Time(i)
                                   : Value::Duration(i);
      return true;
    }
    case Kind::kFloat: {
      double d;
      if (end - p < static_cast<ptrdiff_t>(sizeof d)) return false;
      std::memcpy(&d, p, sizeof d);
      p += sizeof d;
      *out = Value::Float(d);
      return true;
    }
    case Kind::kString:
      if (!ReadVarint(&u) || u > static_cast<uint64_t>(end - p)) return false;
      *out = Value::String(std::string_view(p, u));
      p += u;
      return true;
    case Kind::kList: {
      if (in_list || !ReadVarint(&u) || u > static_cast<uint64_t>(end - p)) return false;
      Value* items = nullptr;
      List* list = arena.NewList(u, &items);
      for (uint64_t i = 0; i < u; ++i) {
        if (!ReadValue(true, arena, &items[i])) return false;
      }
      *out = Value::OfList(list);
      return true;
    }
    default: return false;
  }
}

Record* RecordReader::Next(const RecordType* type, FactArena& arena) {
  uint64_t count = 0;
  if (!ok_ || !ReadVarint(&count)) return nullptr;
  const auto field_count = static_cast<uint64_t>(type->field_count());
  Record* r = arena.NewRecord(type);
  // Each value is decoded straight into its field (a record is discarded whole
  // when its bytes are malformed, so a half-written field is never seen).
  Value* fields = r->fields_;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t field = 0;
    if (!ReadVarint(&field) || field >= field_count || !ReadValue(false, arena, &fields[field])) {
      ok_ = false;
      return nullptr;
    }
  }
  return r;
}

}  // namespace whyd
