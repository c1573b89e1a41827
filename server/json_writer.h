// Serialising response bodies: the exact bytes of nlohmann::json's
// dump(-1, ' ', false, error_handler_t::replace), written faster.
//
// Every answer is serialised once, and nlohmann's serializer (a UTF-8 state
// machine per byte, a virtual call per token) was about a seventh of the CPU
// of an ask. Most of what whyd sends is ASCII, so strings of ASCII go straight
// through here (with JSON's escapes), and what needs care stays with the
// library: any string holding a byte >= 0x80 (validation, U+FFFD for invalid
// UTF-8) and every floating-point number (shortest round-trip form). A test
// compares the two on generated documents.
//
// Thread-safety: pure functions.
#ifndef WHYD_SERVER_JSON_WRITER_H_
#define WHYD_SERVER_JSON_WRITER_H_

#include <string>

#include <nlohmann/json.hpp>

namespace whyd {

// Appends the compact JSON text of `value` to `out`; never throws on bad UTF-8.
void AppendJson(const nlohmann::json& value, std::string* out);

// The compact JSON text of `value`.
std::string DumpJson(const nlohmann::json& value);

}  // namespace whyd

#endif  // WHYD_SERVER_JSON_WRITER_H_
