// Fast compact JSON serialisation; see json_writer.h.
#include "server/json_writer.h"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The position of the first byte of s[from..] that is not 0 in kByteClass,
// or s.size(). Most of an answer is long runs of plain ASCII prose, and a
// byte-by-byte scan of them was a tenth of the CPU of an ask, so with SSE2
// (every x86-64) the runs are read sixteen bytes at a time.
size_t FindSpecialByte(std::string_view s, size_t from) {
  size_t i = from;
#if defined(__SSE2__)
  constexpr size_t kBlock = sizeof(__m128i);
  // Bytes that need care are exactly those that, read as signed, are below
  // 0x20 (controls and bytes >= 0x80), and the two that equal '"' or '\\'.
  auto special_mask = [](const char* p) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i special =
        _mm_or_si128(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)),
                     _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))));
    return static_cast<unsigned>(_mm_movemask_epi8(special));
  };
  for (; i + kBlock <= s.size(); i += kBlock) {
    if (const unsigned mask = special_mask(s.data() + i); mask != 0) return i + std::countr_zero(mask);
  }
  // Fewer than sixteen bytes left: read the string's last sixteen instead
  // when those before `i` among them are known to be clean.
  if (i < s.size() && s.size() >= from + kBlock) {
    const size_t last = s.size() - kBlock;
    const unsigned mask = special_mask(s.data() + last);
    return mask == 0 ? s.size() : last + std::countr_zero(mask);
  }
#endif
  while (i < s.size() && kByteClass[static_cast<unsigned char>(s[i])] == 0) ++i;
  return i;
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

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  const size_t start = out->size();
  out->push_back('"');
  size_t done = 0;  // bytes of s already appended
  for (size_t special = FindSpecialByte(s, 0); special != s.size(); special = FindSpecialByte(s, done)) {
    const unsigned char c = static_cast<unsigned char>(s[special]);
    if (kByteClass[c] == 2) {  // UTF-8 to validate: the whole string is the library's
      out->resize(start);
      out->append(LibraryDump(nlohmann::json(std::string(s))));
      return;
    }
    out->append(s.data() + done, special - done);
    AppendEscaped(c, out);
    done = special + 1;
  }
  out->append(s.data() + done, s.size() - done);
  out->push_back('"');
}

namespace {

template <typename Integer>
void AppendInteger(Integer n, std::string* out) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, n);
  out->append(buf, result.ptr);
}

}  // namespace

void AppendJsonNumber(int64_t value, std::string* out) { AppendInteger(value, out); }
void AppendJsonNumber(uint64_t value, std::string* out) { AppendInteger(value, out); }

void AppendJsonNumber(double value, std::string* out) {
  // What the library's serializer does for a double (dump_float): "null" when
  // not finite, else its Grisu2 shortest round-trip text, which appends ".0"
  // to integral values. Called directly, without the serializer and the
  // string of a dump() per number.
  if (!std::isfinite(value)) {
    out->append("null");
    return;
  }
  char buf[64];  // the size of the serializer's own number buffer
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, value);
  out->append(buf, static_cast<size_t>(end - buf));
}

void AppendJson(const nlohmann::json& value, std::string* out) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::object: {
      out->push_back('{');
      bool first = true;
      for (const auto& [name, member] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(name, out);
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
      AppendJsonString(value.get_ref<const std::string&>(), out);
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
    case Type::number_float:
      AppendJsonNumber(value.get<double>(), out);
      return;
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
