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

// The ISO forms are written digit by digit: an answer formats a few dozen
// dates and times, and snprintf was about 3% of its CPU. Only what snprintf's
// "%04d-%02u-%02u" would print as exactly ten characters is done by hand
// (years 0 to 9999); other years, and the out-of-range times DateOfTime cannot
// place (its day is narrowed to 32 bits), keep snprintf's text.
namespace {

void PutTwoDigits(unsigned v, char* out) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

// Writes YYYY-MM-DD (10 chars) to `out`, or returns false when snprintf would
// not write exactly that.
bool PutDateIso(int32_t days, char* out) {
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999 || m > 99 || d > 99) return false;
  const unsigned year = static_cast<unsigned>(y);
  PutTwoDigits(year / 100, out);
  PutTwoDigits(year % 100, out + 2);
  out[4] = '-';
  PutTwoDigits(m, out + 5);
  out[7] = '-';
  PutTwoDigits(d, out + 8);
  return true;
}

std::string SnprintfDateIso(int32_t days) {
  int y; unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

}  // namespace

std::string FormatDateIso(int32_t days) {
  char text[10];
  if (!PutDateIso(days, text)) return SnprintfDateIso(days);
  return std::string(text, sizeof text);
}

std::string FormatTimestampIso(int64_t t) {
  const int32_t days = DateOfTime(t);
  const int64_t secs = t - static_cast<int64_t>(days) * kSecondsPerDay;
  char text[20];
  if (secs >= 0 && secs < kSecondsPerDay && PutDateIso(days, text)) {
    const unsigned s = static_cast<unsigned>(secs);
    text[10] = 'T';
    PutTwoDigits(s / 3600, text + 11);
    text[13] = ':';
    PutTwoDigits(s / 60 % 60, text + 14);
    text[16] = ':';
    PutTwoDigits(s % 60, text + 17);
    text[19] = 'Z';
    return std::string(text, sizeof text);
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", SnprintfDateIso(days).c_str(),
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
