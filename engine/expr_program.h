// The compiled form of one expression: a compact tree of typed nodes.
//
// The compiler (expr_compiler.cc) builds it once; the evaluator (expr_eval.cc)
// walks it with a switch per node. Every name has already been resolved to a
// field index, every `matches` pattern compiled, every date/timestamp literal
// folded, so evaluation never looks a name up, parses or allocates (except for
// list and string results, which go to the caller's scratch arena).
//
// Thread-safety: immutable after compilation; shared freely between threads.
#ifndef WHYD_ENGINE_EXPR_PROGRAM_H_
#define WHYD_ENGINE_EXPR_PROGRAM_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "engine/facts.h"
#include "engine/schema.h"
#include "engine/value.h"

namespace whyd::expr {

enum class Op : uint8_t {
  kConst,   // value
  kPath,    // base (null: the root record) then steps, one field index each
  kVar,     // a lambda parameter: slot
  kList,    // a list literal with non-constant items: args
  kNot, kAnd, kOr, kNeg,
  kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn,
  kAdd, kSub, kMul, kDiv,
  kIf,      // args: condition, then, else
  kCall,    // fn(args); lambda bodies are args, their parameter is `slot`
};

enum class Fn : uint8_t {
  kNone,
  kCount, kAny, kAll, kWhere, kMap, kNewest, kOldest,  // may take a lambda
  kFirst, kLast, kFirstN, kLastN,
  kMin, kMax, kSum,
  kLower, kUpper, kTrim, kLen,
  kContains, kStartsWith, kEndsWith, kSameText, kMatches,
  kExists, kIsSet, kCoalesce,
  kNow, kToday, kDate, kTimestamp,
  kDays, kHours, kMinutes,
};

struct Node {
  Op op = Op::kConst;
  Fn fn = Fn::kNone;
  bool record_missing = true;  // kPath: report an absent result as a missing fact
  Type type;                   // static type; kind kAbsent = any, kNull = null literal
  int begin = 0;               // source span, byte offsets
  int end = 0;
  Value value;                 // kConst
  Node* base = nullptr;        // kPath
  std::vector<int> steps;      // kPath: field indices
  int slot = -1;               // kVar, and lambda-taking kCall: the parameter's slot
  int path = -1;               // kPath: index into Expression::paths()
  int condition = -1;          // boolean leaf: index into Expression::conditions()
  int depth = 1;               // height of the subtree, bounded so evaluation cannot overflow the stack
  std::vector<Node*> args;     // operands, call arguments, list items
  std::unique_ptr<RE2> regex;  // kCall kMatches
};

// Owns the nodes and the storage that constant Values point into.
struct Program {
  std::deque<Node> nodes;
  std::deque<std::string> strings;           // literal strings
  std::deque<std::vector<Value>> list_items;  // constant list literals
  std::deque<List> lists;
  Node* root = nullptr;
  int slot_count = 0;  // lambda parameters, each with its own slot
};

// Lambda parameters get one slot each; this bounds the evaluator's frame.
constexpr int kMaxLambdaSlots = 16;

}  // namespace whyd::expr

#endif  // WHYD_ENGINE_EXPR_PROGRAM_H_
