// The expression tokenizer; see expr_lexer.h.
#include "engine/expr_lexer.h"

#include <charconv>

#include "engine/time_util.h"

namespace whyd::expr {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid.
int Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  int n;
  uint32_t cp;
  if ((b0 & 0xE0) == 0xC0) { n = 2; cp = b0 & 0x1F; }
  else if ((b0 & 0xF0) == 0xE0) { n = 3; cp = b0 & 0x0F; }
  else if ((b0 & 0xF8) == 0xF0) { n = 4; cp = b0 & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (int k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string_view TokName(Tok kind) {
  switch (kind) {
    case Tok::kEnd: return "end of expression";
    case Tok::kInt: return "a number";
    case Tok::kFloat: return "a number";
    case Tok::kDuration: return "a duration";
    case Tok::kString: return "a string";
    case Tok::kIdent: return "a name";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kLBracket: return "'['";
    case Tok::kRBracket: return "']'";
    case Tok::kComma: return "','";
    case Tok::kDot: return "'.'";
    case Tok::kArrow: return "'->'";
    case Tok::kEq: return "'=='";
    case Tok::kNe: return "'!='";
    case Tok::kLt: return "'<'";
    case Tok::kLe: return "'<='";
    case Tok::kGt: return "'>'";
    case Tok::kGe: return "'>='";
    case Tok::kPlus: return "'+'";
    case Tok::kMinus: return "'-'";
    case Tok::kStar: return "'*'";
    case Tok::kSlash: return "'/'";
    case Tok::kAnd: return "'and'";
    case Tok::kOr: return "'or'";
    case Tok::kNot: return "'not'";
    case Tok::kIn: return "'in'";
    case Tok::kTrue: return "'true'";
    case Tok::kFalse: return "'false'";
    case Tok::kNull: return "'null'";
  }
  return "?";
}

std::vector<Token> Tokenize(std::string_view src, LexError* error) {
  std::vector<Token> out;
  auto fail = [&](std::string message, size_t at) {
    error->message = std::move(message);
    error->offset = static_cast<int>(at);
    out.clear();
    out.push_back(Token{Tok::kEnd, static_cast<int>(at), static_cast<int>(at)});
    return out;
  };
  for (size_t i = 0; i < src.size();) {
    const int len = Utf8SequenceLength(src, i);
    if (len == 0) return fail("invalid UTF-8 byte", i);
    i += len;
  }
  size_t i = 0;
  while (true) {
    while (i < src.size() && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n' || src[i] == '\r')) ++i;
    Token t;
    t.begin = static_cast<int>(i);
    if (i == src.size()) {
      t.kind = Tok::kEnd;
      t.end = t.begin;
      out.push_back(std::move(t));
      return out;
    }
    const char c = src[i];
    auto two = [&](char next) { return i + 1 < src.size() && src[i + 1] == next; };
    auto simple = [&](Tok kind, size_t n) { t.kind = kind; i += n; };
    if (IsIdentStart(c)) {
      size_t j = i;
      while (j < src.size() && IsIdentChar(src[j])) ++j;
      t.text = std::string(src.substr(i, j - i));
      i = j;
      if (t.text == "and") t.kind = Tok::kAnd;
      else if (t.text == "or") t.kind = Tok::kOr;
      else if (t.text == "not") t.kind = Tok::kNot;
      else if (t.text == "in") t.kind = Tok::kIn;
      else if (t.text == "true") t.kind = Tok::kTrue;
      else if (t.text == "false") t.kind = Tok::kFalse;
      else if (t.text == "null") t.kind = Tok::kNull;
      else t.kind = Tok::kIdent;
    } else if (IsDigit(c)) {
      size_t j = i;
      while (j < src.size() && IsDigit(src[j])) ++j;
      bool is_float = false;
      if (j + 1 < src.size() && src[j] == '.' && IsDigit(src[j + 1])) {
        is_float = true;
        ++j;
        while (j < src.size() && IsDigit(src[j])) ++j;
      }
      if (!is_float && j < src.size() && IsIdentStart(src[j])) {
        // A duration literal: digits and one unit letter (30d, 15m).
        size_t k = j;
        while (k < src.size() && IsIdentChar(src[k])) ++k;
        const auto seconds = ParseDurationLiteral(src.substr(i, k - i));
        if (!seconds) {
          return fail("bad duration '" + std::string(src.substr(i, k - i)) +
                          "' (a number and one unit: s, m, h, d or w)", i);
        }
        t.kind = Tok::kDuration;
        t.int_value = *seconds;
        i = k;
      } else if (is_float) {
        const auto r = std::from_chars(src.data() + i, src.data() + j, t.float_value);
        if (r.ec != std::errc()) return fail("number out of range", i);
        t.kind = Tok::kFloat;
        i = j;
      } else {
        const auto r = std::from_chars(src.data() + i, src.data() + j, t.int_value);
        if (r.ec != std::errc()) return fail("number out of range", i);
        t.kind = Tok::kInt;
        i = j;
      }
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      bool closed = false;
      while (j < src.size()) {
        const char d = src[j];
        if (d == c) { closed = true; ++j; break; }
        if (d == '\\') {
          if (j + 1 >= src.size()) break;
          const char e = src[j + 1];
          switch (e) {
            case '\\': t.text += '\\'; break;
            case '"': t.text += '"'; break;
            case '\'': t.text += '\''; break;
            case 'n': t.text += '\n'; break;
            case 't': t.text += '\t'; break;
            default: return fail(std::string("unknown escape '\\") + e + "' in string", j);
          }
          j += 2;
          continue;
        }
        t.text += d;
        ++j;
      }
      if (!closed) return fail("unterminated string", i);
      t.kind = Tok::kString;
      i = j;
    } else if (c == '(') simple(Tok::kLParen, 1);
    else if (c == ')') simple(Tok::kRParen, 1);
    else if (c == '[') simple(Tok::kLBracket, 1);
    else if (c == ']') simple(Tok::kRBracket, 1);
    else if (c == ',') simple(Tok::kComma, 1);
    else if (c == '.') simple(Tok::kDot, 1);
    else if (c == '-' && two('>')) simple(Tok::kArrow, 2);
    else if (c == '=' && two('=')) simple(Tok::kEq, 2);
    else if (c == '!' && two('=')) simple(Tok::kNe, 2);
    else if (c == '<' && two('=')) simple(Tok::kLe, 2);
    else if (c == '>' && two('=')) simple(Tok::kGe, 2);
    else if (c == '<') simple(Tok::kLt, 1);
    else if (c == '>') simple(Tok::kGt, 1);
    else if (c == '+') simple(Tok::kPlus, 1);
    else if (c == '-') simple(Tok::kMinus, 1);
    else if (c == '*') simple(Tok::kStar, 1);
    else if (c == '/') simple(Tok::kSlash, 1);
    else if (c == '=') return fail("'=' is not an operator (use '==')", i);
    else if (c == '&' && two('&')) return fail("'&&' is not an operator (use 'and')", i);
    else if (c == '|' && two('|')) return fail("'||' is not an operator (use 'or')", i);
    else if (c == '!') return fail("'!' is not an operator (use 'not')", i);
    else return fail("unexpected character '" + std::string(src.substr(i, Utf8SequenceLength(src, i))) + "'", i);
    t.end = static_cast<int>(i);
    out.push_back(std::move(t));
  }
}

}  // namespace whyd::expr
