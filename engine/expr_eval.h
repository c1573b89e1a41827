// The expression evaluator: walks a compiled expr::Program over the facts.
//
// One switch per node; three-valued logic with absent = unknown; records each
// boolean leaf's outcome and every absent fact path into an optional Trace.
// Allocates nothing itself: lists and strings it has to build go to
// EvalContext::scratch, lambda parameters live in a fixed frame on the stack.
//
// Thread-safety: pure function of a read-only Program and caller-owned state.
#ifndef WHYD_ENGINE_EXPR_EVAL_H_
#define WHYD_ENGINE_EXPR_EVAL_H_

#include "engine/expr_program.h"
#include "engine/expression.h"

namespace whyd::expr {

Value Evaluate(const Program& program, const EvalContext& ctx, Trace* trace);

// true/false for a bool, unknown for absent, false for null (a known "no
// value" is not true), unknown for anything else.
Tri TriOf(const Value& v);

// Orders two values of comparable kinds (ints with floats); returns false
// when they cannot be ordered.
bool CompareValues(const Value& a, const Value& b, int* order);

}  // namespace whyd::expr

#endif  // WHYD_ENGINE_EXPR_EVAL_H_
