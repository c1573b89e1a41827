// The expression compiler: parse, resolve names against a Schema, type-check.
//
// Produces an expr::Program (expr_program.h) plus the conditions and fact paths
// an Expression exposes. Errors carry the byte offset of the offending token;
// the caller turns it into a line and column. Recursion is bounded by
// CompileOptions::max_depth and the tree height by a multiple of it, so hostile
// input fails with an error instead of exhausting the stack.
//
// Thread-safety: pure function of its arguments.
#ifndef WHYD_ENGINE_EXPR_COMPILER_H_
#define WHYD_ENGINE_EXPR_COMPILER_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/expr_program.h"
#include "engine/expression.h"

namespace whyd::expr {

// Compiles `text`; on failure returns false with `error` set (offset only; the
// caller fills line and column with LocateError).
bool CompileProgram(std::string_view text, const Schema& schema, const CompileOptions& options,
                    Program* program, std::vector<Condition>* conditions,
                    std::vector<std::string>* paths, CompileError* error);

// Sets error->line and error->column from error->offset within `text`.
void LocateError(std::string_view text, CompileError* error);

// The closest of `candidates` to `name` by edit distance, or "" when none is
// close enough to be a plausible typo.
std::string ClosestName(std::string_view name, const std::vector<std::string_view>& candidates);

}  // namespace whyd::expr

#endif  // WHYD_ENGINE_EXPR_COMPILER_H_
