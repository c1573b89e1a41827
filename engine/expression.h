// Expression: one compiled condition or value expression of the rule language.
//
// Compile once at pack load (parsing, name resolution against a Schema, type
// checking, RE2 compilation of `matches` patterns), evaluate many times. The
// language is documented in docs/rule-language.md. Evaluation uses Kleene
// three-valued logic: a fact that is absent is unknown, and unknown propagates
// (`unknown and false` is false, `unknown or true` is true).
//
// Explanations are always on and cheap: Test() records, for every condition
// (boolean leaf: a comparison, a predicate call, a bare boolean fact) that it
// evaluated, the outcome and the operand values into a caller-owned Trace,
// without allocating once the Trace has warmed up. Strings are only built
// later, when an answer is rendered.
//
// Thread-safety: a compiled Expression is immutable and may be evaluated from
// many threads at once; each thread brings its own EvalContext and Trace.
#ifndef WHYD_ENGINE_EXPRESSION_H_
#define WHYD_ENGINE_EXPRESSION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts.h"
#include "engine/schema.h"
#include "engine/value.h"

namespace whyd {

enum class Tri : uint8_t { kFalse = 0, kTrue = 1, kUnknown = 2 };
std::string_view TriName(Tri t);  // "false", "true", "unknown"

struct CompileError {
  std::string message;  // "unknown field 'stauts' of user (did you mean 'status'?)"
  int offset = 0;       // byte offset into the expression text
  int line = 1;         // 1-based, within the expression text
  int column = 1;       // 1-based, within the expression text
};

// A boolean leaf of an expression, as the author wrote it.
struct Condition {
  std::string text;      // "user.locked_until > now()"
  std::string op;        // "==", "<", "in", "any", "fact", ... ("fact": a bare boolean)
  std::string lhs_text;  // "user.locked_until" (empty when not a binary comparison)
  std::string rhs_text;  // "now()"
  // Fact paths the condition reads, e.g. {"user.locked_until"}; used to name
  // the missing facts when the outcome is unknown.
  std::vector<std::string> paths;
  // True for a leaf inside a lambda body (`s.outcome == "mfa_failed"` in
  // count(xs, s -> ...)): it is recorded once per item, so an explanation
  // usually describes the enclosing condition instead.
  bool in_lambda = false;
};

// What one evaluation saw: the outcome of each condition it reached, with the
// operand values (absent when the condition has no operands).
struct ConditionOutcome {
  int condition;  // index into Expression::conditions()
  Tri outcome;
  Value lhs;
  Value rhs;
};

class Trace {
 public:
  void Clear() { outcomes_.clear(); missing_.clear(); }
  void Record(int condition, Tri outcome, Value lhs, Value rhs) {
    outcomes_.push_back(ConditionOutcome{condition, outcome, lhs, rhs});
  }
  // Index into Expression::paths() of a fact found absent.
  void RecordMissing(int path) { missing_.push_back(path); }
  const std::vector<ConditionOutcome>& outcomes() const { return outcomes_; }
  const std::vector<int>& missing() const { return missing_; }

 private:
  std::vector<ConditionOutcome> outcomes_;  // capacity kept across Clear()
  std::vector<int> missing_;
};

struct EvalContext {
  const Record* root = nullptr;    // the facts: a record of Schema::root()
  int64_t now = 0;                 // evaluation time, unix seconds (now(), today())
  FactArena* scratch = nullptr;    // temporaries (where(), last_n(), string ops)
};

struct CompileOptions {
  // Names bound in addition to the schema root's fields (rare; used by tests).
  int max_depth = 64;          // nesting limit, so hostile input cannot blow the stack
  size_t max_length = 16384;   // bytes of expression text
};

class Expression {
 public:
  // Never returns null; check ok() before use.
  static std::unique_ptr<Expression> Compile(std::string_view text, const Schema& schema,
                                             const CompileOptions& options = {});
  virtual ~Expression() = default;

  bool ok() const { return error_.message.empty(); }
  const CompileError& error() const { return error_; }
  const std::string& text() const { return text_; }
  // Static result type (kBool for conditions).
  const Type& type() const { return type_; }
  const std::vector<Condition>& conditions() const { return conditions_; }
  // Every fact path the expression reads ("user.locked_until").
  const std::vector<std::string>& paths() const { return paths_; }

  // Evaluates a boolean expression. `trace` may be null.
  virtual Tri Test(const EvalContext& ctx, Trace* trace) const = 0;
  // Evaluates to a value (absent when unknown). For evidence and templates.
  // Lists and strings computed at evaluation time (where(), lower(), ...) live
  // in ctx.scratch; without a scratch arena they evaluate to absent.
  virtual Value Evaluate(const EvalContext& ctx) const = 0;
  // The same, recording conditions and missing facts into `trace` (may be null).
  virtual Value Evaluate(const EvalContext& ctx, Trace* trace) const = 0;

 protected:
  Expression() = default;
  std::string text_;
  CompileError error_;
  Type type_;
  std::vector<Condition> conditions_;
  std::vector<std::string> paths_;
};

}  // namespace whyd

#endif  // WHYD_ENGINE_EXPRESSION_H_
