// DumpJson and JsonWriter must write exactly what nlohmann::json's dump(-1,
// ' ', false, replace) writes, which is what clients have always received.
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

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
  static constexpr char kBytes[] = "ab \"\\/\n\t\r\b\f\x01\x1f\x7f\xc3\xa9\xe2\x80\x94\xff\xf0\x9f";
  const std::string alphabet = std::string(kBytes, sizeof kBytes - 1) + '\0';
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

// Writes `value` token by token through a JsonWriter, as a hand-written
// builder would (an object's keys come sorted out of nlohmann's std::map);
// every third container is spliced whole with Json() or, as text, with Raw().
void Stream(const nlohmann::json& value, JsonWriter& out, int& counter) {
  using Type = nlohmann::json::value_t;
  const bool container = value.is_object() || value.is_array();
  if (container && ++counter % 3 == 0) {
    if (counter % 2 == 0) {
      out.Json(value);
    } else {
      out.Raw(DumpJson(value));
    }
    return;
  }
  switch (value.type()) {
    case Type::object:
      out.BeginObject();
      for (const auto& [name, member] : value.items()) {
        out.Key(name);
        Stream(member, out, counter);
      }
      out.EndObject();
      return;
    case Type::array:
      out.BeginArray();
      for (const nlohmann::json& element : value) Stream(element, out, counter);
      out.EndArray();
      return;
    case Type::string: out.String(value.get_ref<const std::string&>()); return;
    case Type::boolean: out.Bool(value.get<bool>()); return;
    case Type::null: out.Null(); return;
    case Type::number_integer: out.Int(value.get<int64_t>()); return;
    case Type::number_unsigned: out.Uint(value.get<uint64_t>()); return;
    case Type::number_float: out.Double(value.get<double>()); return;
    default: out.Json(value); return;
  }
}

std::string Streamed(const nlohmann::json& value) {
  std::string text;
  JsonWriter out(&text);
  int counter = 0;
  Stream(value, out, counter);
  return text;
}

TEST_CASE("the streaming writer agrees with the library on chosen values") {
  const nlohmann::json cases[] = {
      nullptr, true, false, 0, -1, 42, INT64_MIN, INT64_MAX, UINT64_MAX, 0.93, 2.0, -0.0, 0.1, 1e300, 1e-7,
      5e-324, 1.7976931348623157e308, 123456789012345678.0, 0.30000000000000004,
      std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      "", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul \0 byte", 10),
      "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80", "bad \xff utf-8 \xc3", "\xed\xa0\x80",
      "\xe2\x80\xa8 line separator", "tab\there and \"quoted\" \\ end",
      nlohmann::json::object(), nlohmann::json::array(), nlohmann::json::array({nlohmann::json::array()}),
      {{"b", 1}, {"a", {1, "two", nullptr, {{"c\n", "d\xc3\xa9"}}}}, {"\xff key", 3.5}},
      {{"", {{"", {{"", nullptr}}}}}, {"\x01", {true, false, 0.5, -7}}},
  };
  for (const nlohmann::json& j : cases) {
    INFO(Library(j));
    CHECK(Streamed(j) == Library(j));
  }
}

TEST_CASE("the streaming writer agrees with the library on generated documents") {
  std::mt19937 rng(20261130);  // fixed seed: failures reproduce
  for (int i = 0; i < 3000; ++i) {
    const nlohmann::json j = RandomJson(rng, 5);
    const std::string expected = Library(j);
    INFO(expected);
    REQUIRE(Streamed(j) == expected);
  }
}

TEST_CASE("the streaming writer places commas at every nesting level") {
  std::string text;
  JsonWriter out(&text);
  out.BeginArray();
  out.BeginObject();
  out.EndObject();
  out.BeginObject();
  out.Key<"a">();
  out.BeginArray();
  out.EndArray();
  out.Key<"b">();
  out.BeginArray();
  out.Int(1);
  out.BeginArray();
  out.Null();
  out.EndArray();
  out.Uint(2);
  out.EndArray();
  out.Key("c");
  out.StringArray(std::vector<std::string>{"x", "y\n"});
  out.Key("d");
  out.Raw("{\"e\":[]}");
  out.Key("f");
  out.Json(nlohmann::json{{"h", 1}, {"g", 2}});
  out.EndObject();
  out.Bool(false);
  out.Double(2.0);
  out.String("\xc3\xa9\"");
  out.EndArray();
  CHECK(text == R"([{},{"a":[],"b":[1,[null],2],"c":["x","y\n"],"d":{"e":[]},"f":{"g":2,"h":1}},false,2.0,"é\""])");
  CHECK(nlohmann::json::parse(text).dump() == text);
}

// Keys given as literals are quoted at compile time; they must come out as
// keys given at run time do.
TEST_CASE("literal keys are written as run-time keys are") {
  std::string literal, runtime;
  JsonWriter a(&literal), b(&runtime);
  a.BeginObject();
  b.BeginObject();
  a.Key<"">();
  b.Key("");
  a.Int(1);
  b.Int(1);
  a.Key<"as_of">();
  b.Key("as_of");
  a.BeginArray();
  b.BeginArray();
  a.EndArray();
  b.EndArray();
  a.Key<"with space, slash/ and 'quote'">();
  b.Key("with space, slash/ and 'quote'");
  a.Null();
  b.Null();
  a.EndObject();
  b.EndObject();
  CHECK(literal == runtime);
  CHECK(literal == R"({"":1,"as_of":[],"with space, slash/ and 'quote'":null})");
}

// Strings written from a string_view stop where the view does.
TEST_CASE("the streaming writer writes exactly the bytes of a string_view") {
  const std::string backing = "abc\"def\xc3\xa9ghi";
  for (size_t n = 0; n <= backing.size(); ++n) {
    std::string text;
    JsonWriter(&text).String(std::string_view(backing).substr(0, n));
    INFO(n);
    CHECK(text == Library(backing.substr(0, n)));
  }
  std::string padded(40, 'x');
  padded += "\"tail";
  std::string text;
  JsonWriter(&text).String(std::string_view(padded).substr(0, 40));
  CHECK(text == Library(std::string(40, 'x')));
}

}  // namespace
}  // namespace whyd
