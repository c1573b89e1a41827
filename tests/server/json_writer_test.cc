// DumpJson must write exactly what nlohmann::json's dump(-1, ' ', false,
// replace) writes, which is what clients have always received.
#include <random>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "server/json_writer.h"

namespace whyd {
namespace {

std::string Library(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST_CASE("the fast writer agrees with the library on chosen values") {
  const nlohmann::json cases[] = {
      nullptr, true, false, 0, -1, 42, INT64_MIN, INT64_MAX, UINT64_MAX, 0.93, 2.0, -0.0, 1e300, 1e-7,
      std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
      "", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul \0 byte", 10),
      "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80", "bad \xff utf-8 \xc3", "\xed\xa0\x80",
      nlohmann::json::object(), nlohmann::json::array(),
      {{"b", 1}, {"a", {1, "two", nullptr, {{"c\n", "d\xc3\xa9"}}}}, {"\xff key", 3.5}},
      nlohmann::json::binary({1, 2, 3}),
  };
  for (const nlohmann::json& j : cases) {
    INFO(Library(j));
    CHECK(DumpJson(j) == Library(j));
  }
}

// Random documents over an alphabet rich in the bytes that need care.
nlohmann::json RandomJson(std::mt19937& rng, int depth) {
  const std::string alphabet = std::string("ab \"\\/\n\t\r\b\f\x01\x1f\x7f\xc3\xa9\xe2\x80\x94\xff\xf0\x9f", 24) + '\0';
  auto random_string = [&] {
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
  };
  switch (depth <= 0 ? rng() % 6 : rng() % 8) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<int64_t>(rng()) - static_cast<int64_t>(rng());
    case 3: return static_cast<uint64_t>(rng()) << 32 | rng();
    case 4: return std::ldexp(static_cast<double>(rng()) - 2e9, static_cast<int>(rng() % 80) - 40);
    case 5: return random_string();
    case 6: {
      nlohmann::json array = nlohmann::json::array();
      for (int i = static_cast<int>(rng() % 5); i > 0; --i) array.push_back(RandomJson(rng, depth - 1));
      return array;
    }
    default: {
      nlohmann::json object = nlohmann::json::object();
      for (int i = static_cast<int>(rng() % 5); i > 0; --i) object[random_string()] = RandomJson(rng, depth - 1);
      return object;
    }
  }
}

TEST_CASE("the fast writer agrees with the library on generated documents") {
  std::mt19937 rng(20261129);  // fixed seed: failures reproduce
  for (int i = 0; i < 3000; ++i) {
    const nlohmann::json j = RandomJson(rng, 4);
    const std::string expected = Library(j);
    INFO(expected);
    REQUIRE(DumpJson(j) == expected);
  }
}

// Strings are scanned sixteen bytes at a time: put each byte that needs care
// at every offset of strings long enough to span several blocks.
TEST_CASE("the fast writer agrees with the library on long strings") {
  const std::string special = std::string("\"\\\n\t\x01\x1f\xc3\xa9\xff", 9) + '\0';
  for (size_t length : {7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 64, 100}) {
    const std::string plain(length, 'x');
    CHECK(DumpJson(plain) == Library(plain));
    for (size_t at = 0; at < length; ++at) {
      for (char c : special) {
        std::string s = plain;
        s[at] = c;
        INFO(Library(s));
        REQUIRE(DumpJson(s) == Library(s));
        s[length - 1 - (at % length)] = '"';  // and a second one elsewhere
        REQUIRE(DumpJson(s) == Library(s));
      }
    }
  }
  // Every byte value next to every block boundary, in plain prose.
  const std::string prose = "The account is locked until 10:15; ask an admin to unlock it, or wait. ";
  for (int c = 0; c < 256; ++c) {
    for (size_t at : {0, 7, 8, 15, 16, 17, 31, 32, 47, 48, 63}) {
      std::string s = prose;
      s[at] = static_cast<char>(c);
      INFO(c << " at " << at);
      REQUIRE(DumpJson(s) == Library(s));
    }
  }
}

}  // namespace
}  // namespace whyd
