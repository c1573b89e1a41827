// Serialising response bodies: the exact bytes of nlohmann::json's
// dump(-1, ' ', false, error_handler_t::replace), written faster.
//
// Every answer is serialised once, and nlohmann's serializer (a UTF-8 state
// machine per byte, a virtual call per token) was about a seventh of the CPU
// of an ask. Most of what whyd sends is ASCII, so strings of ASCII go straight
// through here (with JSON's escapes), and what needs care stays with the
// library: any string holding a byte >= 0x80 (validation, U+FFFD for invalid
// UTF-8) and every floating-point number (its shortest round-trip form, from
// the library's own Grisu2 routine). A test compares the two on generated
// documents.
//
// JsonWriter writes a document straight into a string, token by token, with
// the same bytes: a response built that way never exists as a tree. It does
// not sort object members as nlohmann::json (a std::map) does: to write what
// DumpJson of the equivalent tree would, callers emit keys in ascending byte
// order.
//
// Thread-safety: the Append* functions and DumpJson are pure; a JsonWriter
// (and the string it writes to) is used by one thread at a time.
#ifndef WHYD_SERVER_JSON_WRITER_H_
#define WHYD_SERVER_JSON_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace whyd {

// Appends the compact JSON text of `value` to `out`; never throws on bad UTF-8.
void AppendJson(const nlohmann::json& value, std::string* out);

// The compact JSON text of `value`.
std::string DumpJson(const nlohmann::json& value);

// Appends the JSON string literal of `text` (quoted, escaped, invalid UTF-8
// replaced), as DumpJson writes a string.
void AppendJsonString(std::string_view text, std::string* out);

// Appends a number as DumpJson writes it: shortest round-trip text for a
// double ("2.0", "0.93", "1e+300"), null for NaN and infinities.
void AppendJsonNumber(double value, std::string* out);
void AppendJsonNumber(int64_t value, std::string* out);
void AppendJsonNumber(uint64_t value, std::string* out);

// Keys that are literals are checked and quoted at compile time:
// JsonKeyLiteral("cause") holds the text "cause": ready to append. A literal
// that would need escaping does not compile.
void JsonKeyLiteralNeedsEscaping();  // never defined: called only to fail a constant evaluation
template <size_t N>
struct JsonKeyLiteral {
  char text[N + 2] = {};  // '"', the name (N - 1 bytes), '"', ':'
  consteval JsonKeyLiteral(const char (&name)[N]) {
    text[0] = '"';
    for (size_t i = 0; i + 1 < N; ++i) {
      const unsigned char c = static_cast<unsigned char>(name[i]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') JsonKeyLiteralNeedsEscaping();
      text[i + 1] = name[i];
    }
    text[N] = '"';
    text[N + 1] = ':';
  }
};

// A streaming writer of compact JSON into a caller-owned string:
//
//   JsonWriter w(&text);
//   w.BeginObject();
//   w.Key<"id">(); w.String("u-1");
//   w.Key("tags"); w.BeginArray(); w.String("a"); w.EndArray();
//   w.EndObject();                     // {"id":"u-1","tags":["a"]}
//
// It places commas and colons; the caller keeps begin/end balanced, writes
// one value after each Key, and emits an object's keys in sorted order.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view name) {
    Separate();
    AppendJsonString(name, out_);
    out_->push_back(':');
    need_comma_ = false;
  }
  // A key known at compile time, with nothing to escape: one append.
  template <JsonKeyLiteral kName>
  void Key() {
    Separate();
    out_->append(kName.text, sizeof kName.text);
    need_comma_ = false;
  }

  void String(std::string_view text) { Separate(); AppendJsonString(text, out_); need_comma_ = true; }
  void Double(double value) { Separate(); AppendJsonNumber(value, out_); need_comma_ = true; }
  void Int(int64_t value) { Separate(); AppendJsonNumber(value, out_); need_comma_ = true; }
  void Uint(uint64_t value) { Separate(); AppendJsonNumber(value, out_); need_comma_ = true; }
  void Bool(bool value) { Separate(); out_->append(value ? "true" : "false"); need_comma_ = true; }
  void Null() { Separate(); out_->append("null"); need_comma_ = true; }
  // An array of strings, e.g. a std::vector<std::string>.
  template <typename Strings>
  void StringArray(const Strings& strings) {
    BeginArray();
    for (const auto& s : strings) String(s);
    EndArray();
  }
  // Splices a tree in, as DumpJson writes it.
  void Json(const nlohmann::json& value) { Separate(); AppendJson(value, out_); need_comma_ = true; }
  // Splices text that is already one complete JSON value (e.g. another
  // writer's output); it is copied as it is.
  void Raw(std::string_view json) { Separate(); out_->append(json); need_comma_ = true; }

  std::string* out() const { return out_; }

 private:
  void Separate() {
    if (need_comma_) out_->push_back(',');
  }
  void Open(char bracket) {
    Separate();
    out_->push_back(bracket);
    need_comma_ = false;
  }
  void Close(char bracket) {
    out_->push_back(bracket);
    need_comma_ = true;
  }

  std::string* out_;
  bool need_comma_ = false;  // a value was written at this level: the next needs a ','
};

}  // namespace whyd

#endif  // WHYD_SERVER_JSON_WRITER_H_
