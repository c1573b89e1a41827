// Dates and timestamps: the calendar arithmetic every rule relies on.
#include "engine/time_util.h"

#include <climits>
#include <cstdio>
#include <random>
#include <string>

#include <catch2/catch.hpp>

using namespace whyd;

TEST_CASE("dates round-trip through days since the epoch") {
  REQUIRE(ParseDate("1970-01-01") == 0);
  REQUIRE(ParseDate("2026-11-29").has_value());
  REQUIRE(FormatDateIso(*ParseDate("2026-11-29")) == "2026-11-29");
  REQUIRE(FormatDateIso(*ParseDate("2024-02-29")) == "2024-02-29");
  REQUIRE_FALSE(ParseDate("2025-02-29"));
  REQUIRE_FALSE(ParseDate("2026-13-01"));
  REQUIRE_FALSE(ParseDate("2026-1-01"));
  REQUIRE_FALSE(ParseDate("26-11-29xx"));
}

TEST_CASE("timestamps parse UTC, offsets and fractions, and reject zone-less text") {
  auto t = ParseTimestamp("2026-11-29T10:15:00Z");
  REQUIRE(t.has_value());
  REQUIRE(FormatTimestampIso(*t) == "2026-11-29T10:15:00Z");
  REQUIRE(ParseTimestamp("2026-11-29T11:15:00+01:00") == t);
  REQUIRE(ParseTimestamp("2026-11-29T10:15:00.123Z") == t);
  REQUIRE_FALSE(ParseTimestamp("2026-11-29T10:15:00"));
  REQUIRE_FALSE(ParseTimestamp("2026-11-29"));
  REQUIRE_FALSE(ParseTimestamp("2026-11-29T25:00:00Z"));
  REQUIRE(DateOfTime(-1) == -1);
}

TEST_CASE("human formats read naturally") {
  auto t = *ParseTimestamp("2026-11-28T14:02:00Z");
  REQUIRE(FormatTimestampHuman(t) == "28 Nov 2026 14:02");
  REQUIRE(FormatClock(t) == "14:02");
  REQUIRE(FormatDurationHuman(12 * 60) == "12 minutes");
  REQUIRE(FormatDurationHuman(3600 + 5 * 60) == "1 hour 5 minutes");
  REQUIRE(FormatDurationHuman(3 * 86400 + 4 * 3600) == "3 days 4 hours");
  REQUIRE(FormatDurationHuman(0) == "0 seconds");
  REQUIRE(ParseDurationLiteral("30d") == 30 * 86400);
  REQUIRE(ParseDurationLiteral("15m") == 900);
  REQUIRE_FALSE(ParseDurationLiteral("15"));
  REQUIRE_FALSE(ParseDurationLiteral("d"));
}

// FormatDateIso and FormatTimestampIso write digits by hand; they must write
// exactly what their snprintf versions wrote, for every input they accept.
namespace {

std::string SnprintfDate(int32_t days) {
  int y; unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string SnprintfTimestamp(int64_t t) {
  const int32_t days = DateOfTime(t);
  const int64_t secs = t - static_cast<int64_t>(days) * kSecondsPerDay;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", SnprintfDate(days).c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

// CivilFromDays overflows past this many days (it adds 719468 first).
constexpr int32_t kLastCivilDay = INT32_MAX - 719468;

}  // namespace

TEST_CASE("ISO dates and timestamps are written as snprintf wrote them") {
  // Every day from 1600 to 2500, and a wide sweep around it: years with a
  // sign (before year 0), fewer than four digits, and more than four.
  for (int32_t days = -135000; days <= 194000; ++days) {
    REQUIRE(FormatDateIso(days) == SnprintfDate(days));
  }
  for (int64_t days = INT32_MIN; days <= kLastCivilDay; days += 7919) {
    INFO(days);
    REQUIRE(FormatDateIso(static_cast<int32_t>(days)) == SnprintfDate(static_cast<int32_t>(days)));
  }
  for (int32_t days : {-719529, -719528, -719163, -719162, -1, 0, 1, 2932896, 2932897, kLastCivilDay}) {
    INFO(days);
    REQUIRE(FormatDateIso(days) == SnprintfDate(days));
  }
  REQUIRE(FormatDateIso(-1) == "1969-12-31");
  REQUIRE(FormatDateIso(2932896) == "9999-12-31");
  REQUIRE(FormatDateIso(2932897) == "10000-01-01");
  REQUIRE(FormatDateIso(-719529) == "-001-12-31");

  // Timestamps: every second of a day either side of the epoch, seconds
  // around day boundaries, and random times near and far (before 1970, after
  // 9999, and so far out that DateOfTime's day no longer fits 32 bits).
  for (int64_t t = -kSecondsPerDay; t <= kSecondsPerDay; ++t) {
    REQUIRE(FormatTimestampIso(t) == SnprintfTimestamp(t));
  }
  std::mt19937_64 rng(20261129);
  for (int i = 0; i < 200000; ++i) {
    const int shift = static_cast<int>(rng() % 63);
    int64_t t = static_cast<int64_t>(rng() >> (1 + shift));
    if (rng() % 2 == 0) t = -t;
    if (DateOfTime(t) > kLastCivilDay) continue;
    INFO(t);
    REQUIRE(FormatTimestampIso(t) == SnprintfTimestamp(t));
  }
  for (int64_t t : {int64_t{0}, int64_t{-1}, int64_t{1796022000}, int64_t{253402300799}, int64_t{253402300800},
                    int64_t{-62167219200}, int64_t{-62167219201}, int64_t{1} << 40, -(int64_t{1} << 40)}) {
    INFO(t);
    REQUIRE(FormatTimestampIso(t) == SnprintfTimestamp(t));
  }
  REQUIRE(FormatTimestampIso(-1) == "1969-12-31T23:59:59Z");
  REQUIRE(FormatTimestampIso(253402300799) == "9999-12-31T23:59:59Z");
  REQUIRE(FormatTimestampIso(253402300800) == "10000-01-01T00:00:00Z");
}
