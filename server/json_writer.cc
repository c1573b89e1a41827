// Fast compact JSON serialisation; see json_writer.h.
#include "server/json_writer.h"

#include <array>
#include <charconv>

namespace whyd {
namespace {

std::string LibraryDump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Bytes that a JSON string cannot carry as they are (1), or that make the
// string the library's business (2: UTF-8 to validate or repair).
constexpr std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 1;
  table['"'] = table['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) table[c] = 2;
  return table;
}();

void AppendString(const std::string& s, std::string* out) {
  size_t first = 0;
  while (first < s.size() && kByteClass[static_cast<unsigned char>(s[first])] == 0) ++first;
  out->push_back('"');
  if (first == s.size()) {  // the common case: nothing to escape
    out->append(s);
    out->push_back('"');
    return;
  }
  for (size_t i = first; i < s.size(); ++i) {
    if (kByteClass[static_cast<unsigned char>(s[i])] == 2) {
      out->pop_back();
      out->append(LibraryDump(nlohmann::json(s)));
      return;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out->append(s, 0, first);
  size_t run = first;  // start of the bytes not yet appended
  for (size_t i = first; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (kByteClass[c] == 0) continue;
    out->append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default: {
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out->append(escape, sizeof escape);
      }
    }
  }
  out->append(s, run, s.size() - run);
  out->push_back('"');
}

template <typename Integer>
void AppendInteger(Integer n, std::string* out) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, n);
  out->append(buf, result.ptr);
}

}  // namespace

void AppendJson(const nlohmann::json& value, std::string* out) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::object: {
      out->push_back('{');
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (!first) out->push_back(',');
        first = false;
        AppendString(it.key(), out);
        out->push_back(':');
        AppendJson(it.value(), out);
      }
      out->push_back('}');
      return;
    }
    case Type::array: {
      out->push_back('[');
      bool first = true;
      for (const nlohmann::json& element : value) {
        if (!first) out->push_back(',');
        first = false;
        AppendJson(element, out);
      }
      out->push_back(']');
      return;
    }
    case Type::string:
      AppendString(value.get_ref<const std::string&>(), out);
      return;
    case Type::boolean:
      out->append(value.get<bool>() ? "true" : "false");
      return;
    case Type::null:
      out->append("null");
      return;
    case Type::number_integer:
      AppendInteger(value.get<nlohmann::json::number_integer_t>(), out);
      return;
    case Type::number_unsigned:
      AppendInteger(value.get<nlohmann::json::number_unsigned_t>(), out);
      return;
    case Type::number_float:  // shortest round-trip text, "2.0", null for NaN
    case Type::binary:
    case Type::discarded:
      out->append(LibraryDump(value));
      return;
  }
}

std::string DumpJson(const nlohmann::json& value) {
  std::string out;
  out.reserve(1024);
  AppendJson(value, &out);
  return out;
}

}  // namespace whyd
