// Fast compact JSON serialisation; see json_writer.h.
#include "server/json_writer.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

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

// Strings are scanned eight bytes at a time: most of an answer is long runs
// of plain ASCII prose, and a byte-by-byte scan of them was a tenth of the
// CPU of an ask.
constexpr uint64_t kEveryByte = 0x0101010101010101;
constexpr uint64_t kHighBits = 0x8080808080808080;

uint64_t LoadWord(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// True when some byte of `word` is not 0 in kByteClass: a control character,
// '"', '\\' or a byte >= 0x80. These are the "has a byte less than n" and
// "has a zero byte" tests of Bit Twiddling Hacks, which are exact when the
// question is whether any byte qualifies.
bool HasSpecialByte(uint64_t word) {
  const uint64_t control = (word - kEveryByte * 0x20) & ~word;
  const uint64_t quote = word ^ (kEveryByte * '"');
  const uint64_t backslash = word ^ (kEveryByte * '\\');
  const uint64_t quote_or_backslash = ((quote - kEveryByte) & ~quote) | ((backslash - kEveryByte) & ~backslash);
  return ((control | quote_or_backslash | word) & kHighBits) != 0;
}

// The position of the first byte of s[from..] that is not 0 in kByteClass,
// or s.size().
size_t FindSpecialByte(const std::string& s, size_t from) {
  size_t i = from;
  while (i + sizeof(uint64_t) <= s.size() && !HasSpecialByte(LoadWord(s.data() + i))) i += sizeof(uint64_t);
  while (i < s.size() && kByteClass[static_cast<unsigned char>(s[i])] == 0) ++i;
  return i;
}

bool HasNonAscii(const std::string& s, size_t from) {
  uint64_t high = 0;
  size_t i = from;
  for (; i + sizeof(uint64_t) <= s.size(); i += sizeof(uint64_t)) high |= LoadWord(s.data() + i);
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & kHighBits) != 0;
}

void AppendEscaped(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
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

void AppendString(const std::string& s, std::string* out) {
  size_t special = FindSpecialByte(s, 0);
  if (special != s.size() && HasNonAscii(s, special)) {
    out->append(LibraryDump(nlohmann::json(s)));
    return;
  }
  out->push_back('"');
  size_t done = 0;  // bytes of s already appended
  while (special != s.size()) {
    out->append(s, done, special - done);
    AppendEscaped(static_cast<unsigned char>(s[special]), out);
    done = special + 1;
    special = FindSpecialByte(s, done);
  }
  out->append(s, done, s.size() - done);
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
      for (const auto& [name, member] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out->push_back(',');
        first = false;
        AppendString(name, out);
        out->push_back(':');
        AppendJson(member, out);
      }
      out->push_back('}');
      return;
    }
    case Type::array: {
      out->push_back('[');
      bool first = true;
      for (const nlohmann::json& element : value.get_ref<const nlohmann::json::array_t&>()) {
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
  out.reserve(4096);  // an answer is 2 to 5 KiB
  AppendJson(value, &out);
  return out;
}

}  // namespace whyd
