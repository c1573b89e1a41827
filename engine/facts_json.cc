// JSON conversion of facts; see facts_json.h.
#include "engine/facts_json.h"

#include <cmath>
#include <string>
#include <vector>

#include "engine/expr_compiler.h"
#include "engine/time_util.h"

namespace whyd {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 64;
constexpr int kMaxOutputDepth = 8;

// JSON-pointer escaping of one key (RFC 6901).
std::string PointerKey(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string JsonKind(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "a whole number";
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "a list";
    case json::value_t::object: return "an object";
    default: return "an unsupported value";
  }
}

std::string Shown(const json& j) {
  if (j.is_string()) {
    std::string s = j.get_ref<const std::string&>();
    if (s.size() > 40) s = s.substr(0, 40) + "...";
    std::string quoted = "\"";
    quoted.append(s).append("\"");
    return quoted;
  }
  if (j.is_array() || j.is_object()) return JsonKind(j);
  return j.dump();
}

Status TypeError(const std::string& where, const std::string& expected, const json& j) {
  std::string message = where.empty() ? std::string("/") : where;
  message.append(": expected ").append(expected).append(", got ").append(JsonKind(j));
  if (!j.is_array() && !j.is_object() && !j.is_null()) message.append(" ").append(Shown(j));
  return InvalidArgumentError(std::move(message));
}

class Reader {
 public:
  explicit Reader(FactArena& arena) : arena_(arena) {}

  StatusOr<Value> Read(const json& j, const Type& type, const std::string& where, int depth) {
    if (depth > kMaxDepth) return ResourceExhaustedError(where + ": facts nested more than 64 deep");
    if (j.is_null()) return Value::Null();
    switch (type.kind) {
      case Kind::kAbsent: return ReadUntyped(j, where, depth);
      case Kind::kNull: return TypeError(where, "null", j);
      case Kind::kBool:
        if (!j.is_boolean()) return TypeError(where, "true or false", j);
        return Value::Bool(j.get<bool>());
      case Kind::kInt:
        if (j.is_number_integer()) return Value::Int(j.get<int64_t>());
        if (j.is_number_unsigned()) return TypeError(where, "a whole number that fits in 64 bits", j);
        return TypeError(where, "a whole number", j);
      case Kind::kFloat:
        if (j.is_number_unsigned()) return Value::Float(static_cast<double>(j.get<uint64_t>()));
        if (j.is_number_integer()) return Value::Float(static_cast<double>(j.get<int64_t>()));
        if (j.is_number_float()) return Value::Float(j.get<double>());
        return TypeError(where, "a number", j);
      case Kind::kString:
        if (!j.is_string()) return TypeError(where, "a string", j);
        return arena_.StringValue(j.get_ref<const std::string&>());
      case Kind::kDate: {
        if (!j.is_string()) return TypeError(where, "a date \"YYYY-MM-DD\"", j);
        const auto days = ParseDate(j.get_ref<const std::string&>());
        if (!days) return TypeError(where, "a date \"YYYY-MM-DD\"", j);
        return Value::Date(*days);
      }
      case Kind::kTime: {
        if (!j.is_string()) return TypeError(where, "a timestamp \"YYYY-MM-DDTHH:MM:SSZ\"", j);
        const auto seconds = ParseTimestamp(j.get_ref<const std::string&>());
        if (!seconds) return TypeError(where, "a timestamp \"YYYY-MM-DDTHH:MM:SSZ\"", j);
        return Value::Time(*seconds);
      }
      case Kind::kDuration: {
        if (j.is_number_integer()) return Value::Duration(j.get<int64_t>());
        if (j.is_string()) {
          const auto seconds = ParseDurationLiteral(j.get_ref<const std::string&>());
          if (seconds) return Value::Duration(*seconds);
        }
        return TypeError(where, "a duration (whole seconds, or a literal like \"30m\")", j);
      }
      case Kind::kList: {
        if (!j.is_array()) return TypeError(where, "a list", j);
        Type element = Type::Scalar(type.element);
        if (type.element == Kind::kRecord) element = Type::RecordOf(type.record);
        Value* items = nullptr;
        List* list = arena_.NewList(j.size(), &items);
        for (size_t i = 0; i < j.size(); ++i) {
          StatusOr<Value> item = Read(j[i], element, where + "/" + std::to_string(i), depth + 1);
          if (!item.ok()) return item.status();
          items[i] = *item;
        }
        return Value::OfList(list);
      }
      case Kind::kRecord: {
        if (type.record == nullptr) return TypeError(where, "a record of a known type", j);
        StatusOr<const Record*> record = ReadRecord(j, *type.record, where, depth);
        if (!record.ok()) return record.status();
        return Value::OfRecord(*record);
      }
    }
    return InternalError(where + ": unhandled type");
  }

  StatusOr<const Record*> ReadRecord(const json& j, const RecordType& type, const std::string& where, int depth) {
    if (!j.is_object()) return TypeError(where, "an object (" + type.name() + ")", j);
    Record* record = arena_.NewRecord(&type);
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string path = where + "/" + PointerKey(it.key());
      const int index = type.FindField(it.key());
      if (index < 0) {
        std::vector<std::string_view> names;
        for (int i = 0; i < type.field_count(); ++i) names.push_back(type.field(i).name);
        const std::string best = expr::ClosestName(it.key(), names);
        return InvalidArgumentError(path + ": unknown field of " + type.name() +
                                    (best.empty() ? "" : " (did you mean '" + best + "'?)"));
      }
      StatusOr<Value> v = Read(it.value(), type.field(index).type, path, depth + 1);
      if (!v.ok()) return v.status();
      record->set(index, *v);
    }
    return record;
  }

 private:
  // A field of type "any": the JSON decides (objects cannot be typed).
  StatusOr<Value> ReadUntyped(const json& j, const std::string& where, int depth) {
    if (j.is_boolean()) return Value::Bool(j.get<bool>());
    if (j.is_number_integer()) return Value::Int(j.get<int64_t>());
    if (j.is_number()) return Value::Float(j.get<double>());
    if (j.is_string()) return arena_.StringValue(j.get_ref<const std::string&>());
    if (j.is_array()) return Read(j, Type::ListOf(Kind::kAbsent), where, depth);
    return TypeError(where, "a scalar or a list (the field is untyped)", j);
  }

  FactArena& arena_;
};

json ToJson(const Value& v, int depth) {
  switch (v.kind()) {
    case Kind::kAbsent:
    case Kind::kNull: return nullptr;
    case Kind::kBool: return v.as_bool();
    case Kind::kInt: return v.as_int();
    case Kind::kFloat: return std::isfinite(v.as_float()) ? json(v.as_float()) : json(nullptr);
    case Kind::kString: return std::string(v.as_string());
    case Kind::kDate: return FormatDateIso(v.as_date());
    case Kind::kTime: return FormatTimestampIso(v.as_time());
    case Kind::kDuration: return v.as_duration();
    case Kind::kList: {
      json out = json::array();
      for (const Value& item : *v.as_list()) out.push_back(ToJson(item, depth + 1));
      return out;
    }
    case Kind::kRecord: {
      if (depth >= kMaxOutputDepth) return nullptr;
      const Record* r = v.as_record();
      json out = json::object();
      for (int i = 0; i < r->type->field_count(); ++i) {
        if (!r->get(i).is_absent()) out[r->type->field(i).name] = ToJson(r->get(i), depth + 1);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace

StatusOr<const Record*> RecordFromJson(const nlohmann::json& json, const RecordType& type, FactArena& arena) {
  Reader reader(arena);
  return reader.ReadRecord(json, type, "", 0);
}

StatusOr<Value> ValueFromJson(const nlohmann::json& json, const Type& type, FactArena& arena,
                              const std::string& where) {
  Reader reader(arena);
  return reader.Read(json, type, where, 0);
}

nlohmann::json ValueToJson(const Value& value) { return ToJson(value, 0); }

}  // namespace whyd
