// Calendar dates and UTC timestamps: parsing, formatting and arithmetic.
//
// The account-state contract uses ISO-8601 UTC timestamps (2026-11-29T10:15:00Z)
// and YYYY-MM-DD dates. Dates are days since 1970-01-01; timestamps are seconds
// since the epoch (Value::Date / Value::Time). Conversions use Howard Hinnant's
// civil-date algorithms, so no time zone database or locale is involved.
//
// Thread-safety: pure functions.
#ifndef WHYD_ENGINE_TIME_UTIL_H_
#define WHYD_ENGINE_TIME_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace whyd {

constexpr int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 for a proleptic Gregorian date (no range check).
int32_t DaysFromCivil(int year, unsigned month, unsigned day);
void CivilFromDays(int32_t days, int* year, unsigned* month, unsigned* day);

// "2026-11-29" -> days. Rejects anything else, including impossible dates.
std::optional<int32_t> ParseDate(std::string_view text);
// "2026-11-29T10:15:00Z", with optional fractional seconds (truncated) and an
// offset instead of Z (+01:00). A bare date is not a timestamp.
std::optional<int64_t> ParseTimestamp(std::string_view text);

// Floors toward negative infinity, so times before 1970 land on the right day.
inline int32_t DateOfTime(int64_t unix_seconds) {
  int64_t d = unix_seconds / kSecondsPerDay;
  if (unix_seconds % kSecondsPerDay < 0) --d;
  return static_cast<int32_t>(d);
}

std::string FormatDateIso(int32_t days);          // 2026-11-29
std::string FormatTimestampIso(int64_t seconds);  // 2026-11-29T10:15:00Z
std::string FormatDateHuman(int32_t days);        // 29 Nov 2026
std::string FormatTimestampHuman(int64_t seconds);  // 29 Nov 2026 10:15
std::string FormatClock(int64_t seconds);         // 10:15
// "12 minutes", "3 days", "1 hour 5 minutes" (at most two units, rounded down).
std::string FormatDurationHuman(int64_t seconds);

// Parses a duration literal: 30d, 15m, 2h, 45s, 2w (one unit). Returns seconds.
std::optional<int64_t> ParseDurationLiteral(std::string_view text);

}  // namespace whyd

#endif  // WHYD_ENGINE_TIME_UTIL_H_
