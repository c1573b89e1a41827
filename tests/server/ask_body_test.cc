// ParsePlainAskBody (server/ask_body.h) against the tree path it stands in
// for: ParseJsonBody, CheckAskRequest, ParseCheckedAskRequest. Over many
// generated bodies and their mutations, whenever the shortcut accepts a body
// the tree path must accept it without an error and read the same request;
// over generated bodies of the forms it is meant to understand, it must also
// accept whatever the tree path accepts, so a shortcut that declines
// everything fails here too.
#include "server/ask_body.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/time_util.h"
#include "server/request_shape.h"

using namespace whyd;

namespace {

// What the HTTP route makes of a body without the shortcut: a request, or
// nullopt where it would answer an error.
std::optional<AskRequest> ViaTree(std::string_view body) {
  StatusOr<nlohmann::json> parsed = ParseJsonBody(body);
  if (!parsed.ok() || !CheckAskRequest(*parsed).empty()) return std::nullopt;
  std::vector<FieldError> errors;
  StatusOr<AskRequest> request = ParseCheckedAskRequest(*parsed, &errors);
  if (!request.ok()) return std::nullopt;
  return *request;
}

bool Same(const AskRequest& a, const AskRequest& b) {
  return a.tenant == b.tenant && a.question == b.question && a.faq == b.faq && a.asker == b.asker &&
         a.subject_user == b.subject_user && a.other_user == b.other_user &&
         a.subject_email == b.subject_email && a.csv == b.csv && a.api_request == b.api_request &&
         a.as_of == b.as_of;
}

// The body with every byte outside printable ASCII as \xNN, for messages.
std::string Printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 600)) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  if (text.size() > 600) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

struct Tally {
  int bodies = 0;
  int fast = 0;  // accepted by the shortcut
  int tree = 0;  // accepted by the tree path
};

// Runs `body` through both. With `agree`, the body is of a form the shortcut
// is meant to understand, so it must accept exactly what the tree accepts.
void Expect(std::string_view body, Tally& tally, bool agree) {
  std::optional<AskRequest> fast = ParsePlainAskBody(body);
  std::optional<AskRequest> tree = ViaTree(body);
  ++tally.bodies;
  tally.fast += fast.has_value();
  tally.tree += tree.has_value();
  const char* wrong = nullptr;
  if (fast && !tree) wrong = "the shortcut accepted a body the tree path refuses";
  else if (fast && !Same(*fast, *tree)) wrong = "the shortcut read another request than the tree path";
  else if (agree && tree && !fast) wrong = "the shortcut declined an ordinary body";
  if (wrong != nullptr) {
    INFO("body: " << Printable(body));
    FAIL(wrong);
  }
}

// --- Text and JSON of it ---

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Code points of valid UTF-8 (as this file writes it).
std::vector<uint32_t> CodePoints(std::string_view text) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Int(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& from) { return from[static_cast<size_t>(Int(0, static_cast<int>(from.size()) - 1))]; }

  // A code point of some interesting class (never a surrogate).
  uint32_t CodePoint() {
    switch (Int(0, 9)) {
      case 0: return static_cast<uint32_t>(Int(0, 0x1F));  // control
      case 1: return Pick<uint32_t>({'"', '\\', '/', 0x7F, ' ', '\t', '\n', '\r'});
      case 2: return static_cast<uint32_t>(Int(0x80, 0x7FF));
      case 3: return static_cast<uint32_t>(Int(0x800, 0xD7FF));
      case 4: return static_cast<uint32_t>(Int(0xE000, 0xFFFF));
      case 5: return static_cast<uint32_t>(Int(0x10000, 0x10FFFF));
      case 6: return Pick<uint32_t>({0x80, 0x7FF, 0x800, 0xFFF, 0x1000, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF,
                                     0x10000, 0x3FFFF, 0x40000, 0xFFFFF, 0x100000, 0x10FFFF, 0});
      default: return static_cast<uint32_t>(Int(0x20, 0x7E));
    }
  }

  std::string Text(int max_length) {
    std::string out;
    const int n = Int(0, max_length);
    for (int i = 0; i < n; ++i) {
      if (Chance(60)) out += static_cast<char>(Int('a', 'z'));
      else AppendUtf8(CodePoint(), &out);
    }
    return out;
  }

  // `text` as a JSON string literal. What must be escaped is; anything else
  // is escaped now and then, in every form JSON has: short escapes, \u with
  // either case of hex, surrogate pairs.
  std::string Quote(std::string_view text, int escape_percent) {
    static const char* kShort = "\"\\/\b\f\n\r\t";
    static const char* kShortName = "\"\\/bfnrt";
    std::string out = "\"";
    for (uint32_t cp : CodePoints(text)) {
      const char* in_short = cp != 0 && cp < 0x80 ? std::strchr(kShort, static_cast<int>(cp)) : nullptr;
      const bool must = cp < 0x20 || cp == '"' || cp == '\\';
      if (!must && !Chance(escape_percent)) {
        AppendUtf8(cp, &out);
      } else if (in_short != nullptr && (cp != '/' || Chance(50)) && Chance(70)) {
        out += '\\';
        out += kShortName[in_short - kShort];
      } else if (cp >= 0x10000) {
        const uint32_t v = cp - 0x10000;
        out += Unit(0xD800 + (v >> 10));
        out += Unit(0xDC00 + (v & 0x3FF));
      } else {
        out += Unit(cp);
      }
    }
    return out + "\"";
  }

  // JSON whitespace between tokens, mostly none or one space.
  std::string Space() {
    static const std::vector<std::string> kSpaces = {"", "", "", " ", " ", "\n", "\t", "\r\n", "  \n\t\r "};
    return Pick(kSpaces);
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::string Unit(uint32_t unit) {
    char hex[8];
    std::snprintf(hex, sizeof hex, Chance(50) ? "\\u%04x" : "\\u%04X", unit);
    return hex;
  }

  std::mt19937 rng_;
};

// A member of an object: key and the JSON of its value.
struct Member {
  std::string key;
  std::string value;
};

std::string ObjectJson(const std::vector<Member>& members, Gen& gen, int escape_percent) {
  std::string out = "{";
  out += gen.Space();
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) {
      out += ',';
      out += gen.Space();
    }
    out += gen.Quote(members[i].key, escape_percent);
    out += gen.Space();
    out += ':';
    out += gen.Space();
    out += members[i].value;
    out += gen.Space();
  }
  out += '}';
  return out;
}

// A value for a string field: mostly ordinary, sometimes empty, blank,
// longer than a limit or of odd characters.
std::string FieldText(Gen& gen, const std::vector<std::string>& ordinary, size_t limit) {
  switch (gen.Int(0, 9)) {
    case 0: return "";
    case 1: return gen.Pick<std::string>({" ", " \t\r\n ", "\n", "\xC2\xA0"});
    case 2: return std::string(limit, 'x');
    case 3: return std::string(limit + 1, 'y');
    case 4: case 5: return gen.Text(40);
    default: return gen.Pick(ordinary);
  }
}

const std::vector<std::string> kAskers = {"u-jamie", "u-adam", "u-liam", "u-sara", "u-pete",
                                          "u-mark", "u-mia", "u-lola", "u-priya"};
const std::vector<std::string> kQuestions = {
    "why is my dashboard empty on mondays?",
    "the invoice shows the wrong \"total\"",
    "can't reach the portal \\ help",
    "caf\xC3\xA9 login broken \xE2\x82\xAC \xF0\x9F\x98\x80",
    "line one\nline two\ttabbed",
    "what happened to the certificate?",
};
const std::vector<std::string> kTimestamps = {
    "2026-11-29T10:00:00Z", "2026-11-29T10:00:00.250Z", "2026-11-29T10:00:00+01:00", "2027-01-01T00:00:00Z",
    "tomorrow", "2026-02-30T10:00:00Z", "2026-11-29", "", "2026-11-29T25:00:00Z"};

// A body of the forms the shortcut is meant to read: any subset of the keys
// in any order, no duplicates, no api_request. Its values are now and then
// wrong for the checks (empty asker, blank question, bad as_of, too long),
// which both sides must then refuse alike.
std::string OrdinaryBody(Gen& gen) {
  const int escape_percent = gen.Pick<int>({0, 0, 5, 30, 100});
  std::vector<Member> members;
  auto text = [&](const std::string& value) { return gen.Quote(value, escape_percent); };
  if (gen.Chance(95)) members.push_back({"asker", text(FieldText(gen, kAskers, kMaxFieldBytes))});
  if (gen.Chance(80)) members.push_back({"question", text(FieldText(gen, kQuestions, kMaxQuestionBytes))});
  if (gen.Chance(30)) {
    members.push_back({"faq", text(FieldText(gen, {"account-locked", "learner-cannot-log-in"}, kMaxFieldBytes))});
  }
  if (gen.Chance(50)) {
    std::vector<Member> subject;
    if (gen.Chance(70)) subject.push_back({"user", text(FieldText(gen, kAskers, 300))});
    if (gen.Chance(30)) subject.push_back({"other_user", text(FieldText(gen, kAskers, 300))});
    if (gen.Chance(30)) subject.push_back({"email", text(FieldText(gen, {"jamie.smith@example.org"}, 300))});
    std::shuffle(subject.begin(), subject.end(), gen.rng());
    members.push_back({"subject", ObjectJson(subject, gen, escape_percent)});
  }
  if (gen.Chance(15)) {
    std::vector<Member> attachment;
    if (gen.Chance(80)) attachment.push_back({"csv", text("first_name,last_name\n" + gen.Text(60) + "\n")});
    members.push_back({"attachment", ObjectJson(attachment, gen, escape_percent)});
  }
  if (gen.Chance(25)) {
    std::string as_of = gen.Chance(10) ? std::string(kMaxTimestampBytes + 1, '9') : gen.Pick(kTimestamps);
    members.push_back({"as_of", text(as_of)});
  }
  std::shuffle(members.begin(), members.end(), gen.rng());
  return gen.Space() + ObjectJson(members, gen, escape_percent) + gen.Space();
}

// `body` changed a little: bytes deleted, inserted, replaced, cut, repeated.
std::string Mutate(std::string body, Gen& gen) {
  static const std::vector<std::string> kBits = {
      "\"", "\\", "{", "}", "[", "]", ",", ":", " ", std::string(1, '\0'), "\x1F", "\x7F", "\x80", "\xBF",
      "\xC0", "\xC1", "\xC2", "\xDF", "\xE0", "\xED", "\xEF", "\xF0", "\xF4", "\xF5", "\xFF", "u", "0",
      "D8", "DC", "\\u", "\\uD800", "\\uDC00", "\\uDBFF\\uDFFF", "\\x", "1", "true", "null", "\xEF\xBB\xBF",
      ",\"asker\":\"u-mia\"", ",\"question\":\"again\"", ",\"extra\":1", ",\"subject\":{}", ",\"faq\":\"x\"",
      "\"attachment\":{\"api_request\":{}}", "//", "/*c*/", "\xE2\x80\xA8", "\t", "\v", "\f"};
  const int edits = gen.Int(1, 3);
  for (int e = 0; e < edits && !body.empty(); ++e) {
    const size_t at = static_cast<size_t>(gen.Int(0, static_cast<int>(body.size()) - 1));
    switch (gen.Int(0, 5)) {
      case 0: body.erase(at, static_cast<size_t>(gen.Int(1, 3))); break;
      case 1: body.insert(at, gen.Pick(kBits)); break;
      case 2: body[at] = gen.Pick(kBits)[0]; break;
      case 3: body.resize(at); break;
      case 4: body.insert(at, body.substr(at, static_cast<size_t>(gen.Int(1, 20)))); break;
      default: body[at] = static_cast<char>(gen.Int(0, 255)); break;
    }
  }
  return body;
}

}  // namespace

TEST_CASE("the shortcut reads ordinary asks as the tree path does") {
  Tally tally;
  for (const std::string& asker : kAskers) {
    for (const std::string& question : kQuestions) {
      std::string body = R"({"asker":")" + asker + R"(","question":)" + nlohmann::json(question).dump() + "}";
      REQUIRE(ParsePlainAskBody(body).has_value());
      Expect(body, tally, true);
      body = R"({"asker": ")" + asker + R"(", "question": "why can't I sign in?", "subject": {"user": "u-jamie"}})";
      REQUIRE(ParsePlainAskBody(body).has_value());
      Expect(body, tally, true);
    }
  }
  const std::string full =
      " {\n  \"question\" : \"why is \\\"it\\\" locked?\\u00e9\\ud83d\\ude00\",\r\n\t\"faq\": \"account-locked\","
      " \"asker\": \"u-adam\", \"subject\": {\"email\": \"a@b.c\", \"user\": \"u-jamie\", \"other_user\": \"u-mark\"},"
      " \"attachment\": {\"csv\": \"a,b\\nc,d\\n\"}, \"as_of\": \"2026-11-29T10:00:00Z\"} \n";
  std::optional<AskRequest> request = ParsePlainAskBody(full);
  REQUIRE(request.has_value());
  CHECK(request->question == "why is \"it\" locked?\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(request->faq == "account-locked");
  CHECK(request->asker == "u-adam");
  CHECK(request->subject_user == "u-jamie");
  CHECK(request->other_user == "u-mark");
  CHECK(request->subject_email == "a@b.c");
  CHECK(request->csv == std::optional<std::string>("a,b\nc,d\n"));
  CHECK(request->as_of == ParseTimestamp("2026-11-29T10:00:00Z"));
  CHECK(request->tenant.empty());
  Expect(full, tally, true);
}

TEST_CASE("the shortcut agrees with the tree path over generated asks and their mutations") {
  Gen gen(20261129);
  Tally ordinary;
  Tally mutated;
  for (int i = 0; i < 20000; ++i) {
    const std::string body = OrdinaryBody(gen);
    Expect(body, ordinary, true);
    for (int m = 0; m < 3; ++m) Expect(Mutate(body, gen), mutated, false);
  }
  INFO("ordinary: " << ordinary.fast << " of " << ordinary.bodies << " read by the shortcut; mutated: "
                    << mutated.fast << " of " << mutated.bodies << ", the tree path " << mutated.tree);
  // Both sides must have had plenty to accept and to refuse.
  CHECK(ordinary.fast > ordinary.bodies / 10);
  CHECK(ordinary.fast < ordinary.bodies * 9 / 10);
  CHECK(mutated.fast > 1000);
}

TEST_CASE("the shortcut declines what it does not read, and the tree path answers") {
  Tally tally;
  const std::string base = R"("asker":"u-adam","question":"why?")";
  // The tree path accepts these; the shortcut leaves them to it.
  for (const std::string& body : {
           "\xEF\xBB\xBF{" + base + "}",                                       // a byte order mark
           "{" + base + R"(,"attachment":{"api_request":{"b":1,"a":"x"}}})",   // kept as nlohmann dumps it
           "{" + base + R"(,"attachment":{"api_request":{}}})",
           "{" + base + R"(,"asker":"u-mia"})",                                // the last of duplicates wins
           "{" + base + R"(,"subject":{"user":"u-1","user":"u-2"}})",
           "{" + base + R"(,"subject":{},"subject":{}})",
       }) {
    INFO(Printable(body));
    CHECK_FALSE(ParsePlainAskBody(body).has_value());
    CHECK(ViaTree(body).has_value());
  }
  // Wrong types, unknown keys, nesting, other documents: refused by both.
  std::vector<std::string> odd;
  for (const char* key : {"asker", "question", "faq", "as_of", "subject", "attachment", "extra"}) {
    for (const char* value : {"1", "-0.5e3", "true", "false", "null", "[]", "[\"u\"]", "{}", "{\"a\":\"b\"}", "\"s\""}) {
      odd.push_back("{" + base + ",\"" + key + "\":" + value + "}");
      odd.push_back("{\"" + std::string(key) + "\":" + value + "," + base + "}");
    }
  }
  for (const char* key : {"user", "other_user", "email", "extra"}) {
    for (const char* value : {"1", "null", "[]", "{}", "\"s\""}) {
      odd.push_back("{" + base + ",\"subject\":{\"" + key + "\":" + value + "}}");
    }
  }
  for (const char* value : {"1", "null", "[]", "{}", "\"s\""}) {
    odd.push_back("{" + base + ",\"attachment\":{\"csv\":" + value + "}}");
    odd.push_back("{" + base + ",\"attachment\":{\"other\":" + value + "}}");
  }
  for (int depth : {1, 2, 3, 10, 63, 64, 65, 100, 5000}) {
    odd.push_back("{" + base + ",\"subject\":" + std::string(static_cast<size_t>(depth), '[') +
                  std::string(static_cast<size_t>(depth), ']') + "}");
    odd.push_back(std::string(static_cast<size_t>(depth), '{'));
  }
  for (const std::string& body : {std::string(), std::string(" "), std::string("{}"), std::string("[]"),
                                  std::string("null"), std::string("\"asker\""), std::string("{" + base + "}}"),
                                  std::string("{" + base + "} x"), std::string("{" + base + "}{}"),
                                  std::string("{" + base + ",}"), std::string("{," + base + "}"),
                                  std::string("{" + base + "\v}"), std::string("{" + base + "\f}"),
                                  std::string("{" + base + "/*c*/}"), std::string("{" + base + "}//c"),
                                  std::string("{'asker':'u-1','question':'q'}"),
                                  std::string("{" + base + "}") + std::string(1, '\0')}) {
    odd.push_back(body);
  }
  for (const std::string& body : odd) Expect(body, tally, false);
  // Every prefix of a full body.
  const std::string full = R"({"asker":"u-adam","question":"why \u00e9\ud83d\ude00 \n?","faq":"x",)"
                           R"("subject":{"user":"u-jamie","email":"e"},"attachment":{"csv":"a"},)"
                           R"("as_of":"2026-11-29T10:00:00Z"})";
  Tally prefixes;
  for (size_t n = 0; n <= full.size(); ++n) Expect(std::string_view(full).substr(0, n), prefixes, n == full.size());
  CHECK(prefixes.fast == 1);
}

TEST_CASE("the shortcut checks limits and meaning as the tree path does") {
  Tally tally;
  auto body = [](const std::string& members) { return "{" + members + "}"; };
  for (size_t n : {kMaxQuestionBytes - 1, kMaxQuestionBytes, kMaxQuestionBytes + 1, size_t{1} << 20}) {
    Expect(body(R"("asker":"u-1","question":")" + std::string(n, 'q') + "\""), tally, true);
  }
  for (size_t n : {kMaxFieldBytes, kMaxFieldBytes + 1}) {
    Expect(body(R"("asker":")" + std::string(n, 'a') + R"(","question":"q")"), tally, true);
    Expect(body(R"("asker":"u","faq":")" + std::string(n, 'f') + "\""), tally, true);
  }
  // A long string of escapes: its decoded length is what counts.
  std::string escaped;
  for (size_t i = 0; i < kMaxQuestionBytes; ++i) escaped += "\\u0071";
  Expect(body(R"("asker":"u-1","question":")" + escaped + "\""), tally, true);
  Expect(body(R"("asker":"u-1","question":")" + escaped + "q\""), tally, true);
  for (const char* members : {R"("asker":"","question":"q")", R"("asker":"u")", R"("question":"q")",
                              R"("asker":"u","question":" \t\r\n")", R"("asker":"u","question":"")",
                              R"("asker":"u","question":"","faq":"")", R"("asker":"u","question":" ","faq":"f")",
                              R"("asker":"u","faq":"")", R"("asker":"u","question":"\u00a0")",
                              R"("asker":"u","question":"\u000b")", R"("asker":"\u0000","question":"q")",
                              R"("\u0061sker":"u","question":"q")", R"("asker":"u","question":"q","as_of":"")",
                              R"("asker":"u","question":"q","as_of":"2026-11-29T10:00:00.999999+14:00")",
                              R"("asker":"u","question":"q","subject":{},"attachment":{})"}) {
    Expect(body(members), tally, true);
  }
  CHECK(tally.fast > 5);
}

TEST_CASE("the shortcut decodes every \\u escape and surrogate pair as nlohmann does") {
  Tally tally;
  const std::string head = R"({"asker":"u-1","question":"a)";
  char unit[8];
  for (int u = 0; u <= 0xFFFF; ++u) {
    std::snprintf(unit, sizeof unit, (u & 1) ? "\\u%04X" : "\\u%04x", u);
    Expect(head + unit + "b\"}", tally, u < 0xD800 || u > 0xDFFF);
  }
  for (const char* high : {"D800", "DBFF", "d83d", "DA00"}) {
    for (const char* low : {"DC00", "DFFF", "de00", "DBFF", "D800", "E000", "0041", "005C", "zzzz", "DC0"}) {
      Expect(head + "\\u" + high + "\\u" + low + "\"}", tally, false);
    }
    for (const char* after : {"\"}", "x\"}", "\\n\"}", "\\\\u\"}", "\\uDC00", "\\u", "\\"}) {
      Expect(head + "\\u" + high + after, tally, false);
    }
  }
  for (const char* bad : {"\\u12", "\\u12G4", "\\U0041", "\\x41", "\\a", "\\v", "\\'", "\\0", "\\ ", "\\"}) {
    Expect(head + bad + "\"}", tally, false);
  }
  CHECK(tally.fast > 60000);
}

TEST_CASE("the shortcut takes the UTF-8 nlohmann takes, and no other") {
  Tally tally;
  const std::string head = R"({"asker":"u-1","question":"a)";
  // Every byte pair after an ASCII letter, then every lead byte with second
  // and third bytes at and around the edges of the ranges.
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      std::string body = head;
      body += static_cast<char>(a);
      body += static_cast<char>(b);
      Expect(body + "\"}", tally, a >= 0x20 && b >= 0x20 && a != '"' && a != '\\' && b != '"' && b != '\\');
    }
  }
  const std::vector<int> edges = {0x00, 0x41, 0x7F, 0x80, 0x81, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
  for (int lead = 0xC0; lead < 0x100; ++lead) {
    for (int b2 : edges) {
      for (int b3 : edges) {
        for (int b4 : {0x7F, 0x80, 0xBF, 0xC0}) {
          std::string seq{static_cast<char>(lead), static_cast<char>(b2), static_cast<char>(b3),
                          static_cast<char>(b4)};
          for (size_t n = 1; n <= 4; ++n) Expect(head + seq.substr(0, n) + "\"}", tally, false);
          Expect(head + seq + "z\"}", tally, false);
        }
      }
    }
  }
  CHECK(tally.fast > 10000);
}
