// Dates and timestamps: the calendar arithmetic every rule relies on.
#include "engine/time_util.h"

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
