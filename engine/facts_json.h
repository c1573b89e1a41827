// Facts from and to JSON, converted by the schema's field types.
//
// Pack tests state facts as YAML/JSON (`facts: {user: {locked_until: ...}}`)
// and answers show evidence values as JSON; both go through here so that the
// conversions are the same everywhere. Reading: strings become dates or
// timestamps when the field's type says so, durations are whole seconds or a
// literal like "30m", JSON null is Value::Null() (known, empty), a missing key
// leaves the field absent (unknown). An unknown key or a wrong type is an error
// naming the JSON path (/user/locked_until) and what was expected.
//
// Thread-safety: pure functions; the FactArena passed in belongs to the caller.
#ifndef WHYD_ENGINE_FACTS_JSON_H_
#define WHYD_ENGINE_FACTS_JSON_H_

#include <nlohmann/json.hpp>

#include "engine/facts.h"
#include "engine/schema.h"
#include "engine/status.h"
#include "engine/value.h"

namespace whyd {

// Builds a record of `type` from a JSON object; every allocation goes to `arena`.
StatusOr<const Record*> RecordFromJson(const nlohmann::json& json, const RecordType& type, FactArena& arena);

// A single value of static type `type` (for one evidence value or list item).
// `where` is the JSON path used in error messages ("" for the root).
StatusOr<Value> ValueFromJson(const nlohmann::json& json, const Type& type, FactArena& arena,
                              const std::string& where = "");

// Null and absent become JSON null; dates "2026-11-29"; timestamps
// "2026-11-29T10:00:00Z"; durations whole seconds; records objects with their
// known (non-absent) fields, nested at most 8 deep (deeper records become null,
// so that cyclic facts such as a manager's manager cannot recurse forever).
nlohmann::json ValueToJson(const Value& value);

}  // namespace whyd

#endif  // WHYD_ENGINE_FACTS_JSON_H_
