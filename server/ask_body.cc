// The one-pass reader of ordinary ask bodies; see ask_body.h. Every "return
// false" below means "not a body this reader vouches for", never "invalid":
// the tree path decides what is invalid and says why.
#include "server/ask_body.h"

#include <array>
#include <cstdint>
#include <string>

#include "engine/time_util.h"
#include "server/request_shape.h"

namespace whyd {
namespace {

// Bytes that stand for themselves inside a JSON string as nlohmann reads it:
// U+0020..U+007F except '"' and '\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Reader {
 public:
  explicit Reader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // Skips whitespace, then takes `c` if it is next.
  bool Eat(char c) {
    while (p_ != end_ && IsJsonSpace(*p_)) ++p_;
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool AtEnd() {
    while (p_ != end_ && IsJsonSpace(*p_)) ++p_;
    return p_ == end_;
  }

  // Reads a string (after whitespace). *out is its decoded text: a view of the
  // body itself when it has no escapes, else of *scratch, which holds it.
  bool String(std::string_view* out, std::string* scratch) {
    if (!Eat('"')) return false;
    const char* start = p_;
    if (!Run()) return false;
    if (*p_ == '"') {
      *out = std::string_view(start, static_cast<size_t>(p_ - start));
      ++p_;
      return true;
    }
    scratch->assign(start, p_);  // up to the first escape
    while (*p_ != '"') {
      if (!Escape(scratch)) return false;
      const char* run = p_;
      if (!Run()) return false;
      scratch->append(run, p_);
    }
    ++p_;
    *out = *scratch;
    return true;
  }

  // Reads a string into *field.
  bool String(std::string* field) {
    std::string_view text;
    if (!String(&text, field)) return false;
    if (text.data() != field->data()) field->assign(text);
    return true;
  }

  // Reads an object (after whitespace), calling member(key) with the reader
  // just before each value; member reads the value or returns false.
  template <typename Member>
  bool Object(Member member) {
    if (!Eat('{')) return false;
    if (Eat('}')) return true;
    std::string scratch;  // for a key with escapes
    do {
      std::string_view key;
      if (!String(&key, &scratch) || !Eat(':') || !member(key)) return false;
    } while (Eat(','));
    return Eat('}');
  }

 private:
  // Passes plain bytes and well-formed UTF-8 sequences; stops at '"' or '\'
  // (true) or anything else (false: a control byte, ill-formed UTF-8, the end).
  bool Run() {
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (kPlain[c]) {
        ++p_;
      } else if (c == '"' || c == '\\') {
        return true;
      } else if (c < 0x80 || !Utf8Sequence()) {
        return false;
      }
    }
    return false;
  }

  // Takes one UTF-8 sequence of two to four bytes, with the ranges of
  // Unicode's table 3-7, as nlohmann's lexer checks them.
  bool Utf8Sequence() {
    const auto lead = static_cast<unsigned char>(*p_);
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    int continuation;
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuation = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation = 2;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation = 3;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end_ - p_ <= continuation) return false;
    for (int i = 1; i <= continuation; ++i) {
      const auto c = static_cast<unsigned char>(p_[i]);
      if (c < lo || c > hi) return false;
      lo = 0x80;
      hi = 0xBF;
    }
    p_ += continuation + 1;
    return true;
  }

  // Four hex digits after "\u"; -1 when they are not.
  int Hex4() {
    if (end_ - p_ < 4) return -1;
    int value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexDigit(*p_++);
      if (digit < 0) return -1;
      value = (value << 4) | digit;
    }
    return value;
  }

  // Decodes the escape at p_ (a '\') into *out.
  bool Escape(std::string* out) {
    if (end_ - p_ < 2) return false;
    const char kind = p_[1];
    p_ += 2;
    switch (kind) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    const int unit = Hex4();
    if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return false;  // a lone low surrogate
    uint32_t cp = static_cast<uint32_t>(unit);
    if (unit >= 0xD800 && unit <= 0xDBFF) {  // a high surrogate: its low one must follow
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
      p_ += 2;
      const int low = Hex4();
      if (low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + static_cast<uint32_t>(low - 0xDC00);
    }
    AppendUtf8(cp, out);
    return true;
  }

  const char* p_;
  const char* end_;
};

// The keys of an ask body, one bit each, so that a repeated key is seen.
enum : unsigned {
  kQuestion = 1u << 0, kFaq = 1u << 1, kAsker = 1u << 2, kSubject = 1u << 3,
  kAttachment = 1u << 4, kAsOf = 1u << 5,
  kUser = 1u << 6, kOtherUser = 1u << 7, kEmail = 1u << 8, kCsv = 1u << 9,
};

bool IsBlank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

}  // namespace

std::optional<AskRequest> ParsePlainAskBody(std::string_view body) {
  Reader in(body);
  AskRequest request;
  std::string_view as_of;
  std::string as_of_scratch;
  unsigned seen = 0;
  // Marks `key` seen; false when it was already.
  auto first = [&seen](unsigned key) {
    if (seen & key) return false;
    seen |= key;
    return true;
  };
  auto subject = [&](std::string_view key) {
    if (key == "user") return first(kUser) && in.String(&request.subject_user);
    if (key == "other_user") return first(kOtherUser) && in.String(&request.other_user);
    if (key == "email") return first(kEmail) && in.String(&request.subject_email);
    return false;
  };
  auto attachment = [&](std::string_view key) {
    // An api_request is kept as nlohmann's dump of it: the tree path's to write.
    return key == "csv" && first(kCsv) && in.String(&request.csv.emplace());
  };
  auto member = [&](std::string_view key) {
    if (key == "question") return first(kQuestion) && in.String(&request.question);
    if (key == "asker") return first(kAsker) && in.String(&request.asker);
    if (key == "subject") return first(kSubject) && in.Object(subject);
    if (key == "faq") return first(kFaq) && in.String(&request.faq);
    if (key == "as_of") return first(kAsOf) && in.String(&as_of, &as_of_scratch);
    if (key == "attachment") return first(kAttachment) && in.Object(attachment);
    return false;
  };
  if (!in.Object(member) || !in.AtEnd()) return std::nullopt;

  // CheckAskRequest's rules, then ParseCheckedAskRequest's.
  if (!(seen & kAsker) || request.asker.empty() || request.asker.size() > kMaxFieldBytes) return std::nullopt;
  if (!(seen & (kQuestion | kFaq))) return std::nullopt;
  if (request.question.size() > kMaxQuestionBytes || request.faq.size() > kMaxFieldBytes) return std::nullopt;
  if ((seen & kQuestion) && request.faq.empty() && IsBlank(request.question)) return std::nullopt;
  if (seen & kAsOf) {
    if (as_of.size() > kMaxTimestampBytes) return std::nullopt;
    request.as_of = ParseTimestamp(as_of);
    if (!request.as_of) return std::nullopt;
  }
  return request;
}

}  // namespace whyd
