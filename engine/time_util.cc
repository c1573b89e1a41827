// Date and timestamp conversions; see time_util.h.
#include "engine/time_util.h"

#include <cstdio>

namespace whyd {
namespace {

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeap(y)) ? 29 : kDays[m - 1];
}

const char* const kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void CivilFromDays(int32_t z, int* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (m <= 2);
  *month = m;
  *day = d;
}

std::optional<int32_t> ParseDate(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!ParseDigits(s, 0, 4, &y) || !ParseDigits(s, 5, 2, &m) || !ParseDigits(s, 8, 2, &d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, m)) return std::nullopt;
  return DaysFromCivil(y, m, d);
}

std::optional<int64_t> ParseTimestamp(std::string_view s) {
  if (s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto date = ParseDate(s.substr(0, 10));
  if (!date) return std::nullopt;
  int hh, mm, ss;
  if (!ParseDigits(s, 11, 2, &hh) || !ParseDigits(s, 14, 2, &mm) || !ParseDigits(s, 17, 2, &ss)) return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') { ++pos; ++digits; }
    if (digits == 0) return std::nullopt;
  }
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (pos + 6 != s.size() || s[pos + 3] != ':' || !ParseDigits(s, pos + 1, 2, &oh) ||
        !ParseDigits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;  // a timestamp without a zone is ambiguous; the contract says UTC
  }
  if (pos != s.size()) return std::nullopt;
  return static_cast<int64_t>(*date) * kSecondsPerDay + hh * 3600 + mm * 60 + ss - offset;
}

std::string FormatDateIso(int32_t days) {
  int y; unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string FormatTimestampIso(int64_t t) {
  const int32_t days = DateOfTime(t);
  const int64_t secs = t - static_cast<int64_t>(days) * kSecondsPerDay;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", FormatDateIso(days).c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

std::string FormatDateHuman(int32_t days) {
  int y; unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u %s %d", d, kMonthNames[m - 1], y);
  return buf;
}

std::string FormatClock(int64_t t) {
  const int64_t secs = t - static_cast<int64_t>(DateOfTime(t)) * kSecondsPerDay;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60));
  return buf;
}

std::string FormatTimestampHuman(int64_t t) {
  return FormatDateHuman(DateOfTime(t)) + " " + FormatClock(t);
}

std::string FormatDurationHuman(int64_t seconds) {
  if (seconds < 0) seconds = -seconds;
  struct Unit { int64_t size; const char* one; const char* many; };
  static const Unit kUnits[] = {{86400, "day", "days"}, {3600, "hour", "hours"},
                                {60, "minute", "minutes"}, {1, "second", "seconds"}};
  std::string out;
  int used = 0;
  for (const Unit& u : kUnits) {
    const int64_t n = seconds / u.size;
    if (n == 0) continue;
    if (!out.empty()) out += ' ';
    out += std::to_string(n) + ' ' + (n == 1 ? u.one : u.many);
    seconds -= n * u.size;
    // Two units say enough ("3 days 4 hours"); and never mix days with minutes.
    if (++used == 2 || (u.size == 86400 && seconds < 3600)) break;
  }
  return out.empty() ? "0 seconds" : out;
}

std::optional<int64_t> ParseDurationLiteral(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  int64_t n = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (n > 1'000'000'000) return std::nullopt;
    n = n * 10 + (s[i] - '0');
  }
  if (i == 0 || i + 1 != s.size()) return std::nullopt;
  switch (s[i]) {
    case 's': return n;
    case 'm': return n * 60;
    case 'h': return n * 3600;
    case 'd': return n * 86400;
    case 'w': return n * 7 * 86400;
    default: return std::nullopt;
  }
}

}  // namespace whyd
