// Expression::Compile and the compiled expression class; see expression.h.
//
// The work is split by concern: expr_lexer (tokens), expr_compiler (parse,
// resolve, type-check into an expr::Program), expr_eval (evaluation).
#include "engine/expression.h"

#include "engine/expr_compiler.h"
#include "engine/expr_eval.h"
#include "engine/expr_program.h"

namespace whyd {
namespace {

class CompiledExpression final : public Expression {
 public:
  CompiledExpression(std::string_view text, const Schema& schema, const CompileOptions& options) {
    text_ = std::string(text);
    if (!expr::CompileProgram(text_, schema, options, &program_, &conditions_, &paths_, &error_)) {
      if (error_.message.empty()) error_.message = "invalid expression";
      conditions_.clear();
      paths_.clear();
      program_ = expr::Program();
      return;
    }
    type_ = program_.root->type;
  }

  Tri Test(const EvalContext& ctx, Trace* trace) const override {
    if (!ok()) return Tri::kUnknown;
    return expr::TriOf(expr::Evaluate(program_, ctx, trace));
  }
  Value Evaluate(const EvalContext& ctx) const override { return Evaluate(ctx, nullptr); }
  Value Evaluate(const EvalContext& ctx, Trace* trace) const override {
    if (!ok()) return Value();
    return expr::Evaluate(program_, ctx, trace);
  }

 private:
  expr::Program program_;
};

}  // namespace

std::string_view TriName(Tri t) {
  switch (t) {
    case Tri::kFalse: return "false";
    case Tri::kTrue: return "true";
    case Tri::kUnknown: return "unknown";
  }
  return "unknown";
}

std::unique_ptr<Expression> Expression::Compile(std::string_view text, const Schema& schema,
                                                const CompileOptions& options) {
  return std::make_unique<CompiledExpression>(text, schema, options);
}

}  // namespace whyd
