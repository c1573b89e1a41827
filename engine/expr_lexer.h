// The tokenizer of the rule-language expression syntax (docs/rule-language.md).
//
// Turns expression text into a vector of tokens with byte offsets, so that the
// parser (expr_compiler.cc) can report errors at a line and column. Rejects
// invalid UTF-8, unterminated strings, malformed numbers and stray characters
// with a message naming the offending byte offset.
//
// Thread-safety: pure function; no shared state.
#ifndef WHYD_ENGINE_EXPR_LEXER_H_
#define WHYD_ENGINE_EXPR_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace whyd::expr {

enum class Tok : uint8_t {
  kEnd,
  kInt,       // 42
  kFloat,     // 3.5
  kDuration,  // 30d (value in seconds in int_value)
  kString,    // "text" or 'text' (decoded into text)
  kIdent,     // user, count, x
  kLParen, kRParen, kLBracket, kRBracket, kComma, kDot, kArrow,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kPlus, kMinus, kStar, kSlash,
  kAnd, kOr, kNot, kIn, kTrue, kFalse, kNull,
};

struct Token {
  Tok kind = Tok::kEnd;
  int begin = 0;  // byte offsets into the expression text
  int end = 0;
  int64_t int_value = 0;
  double float_value = 0;
  std::string text;  // identifier name or decoded string literal
};

struct LexError {
  std::string message;
  int offset = -1;  // -1: no error
};

// Tokenizes `src`; the last token is always kEnd. On error fills `error`.
std::vector<Token> Tokenize(std::string_view src, LexError* error);

// A token kind as it appears in error messages: "')'", "end of expression".
std::string_view TokName(Tok kind);

}  // namespace whyd::expr

#endif  // WHYD_ENGINE_EXPR_LEXER_H_
