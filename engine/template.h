// Template: compiled text with `{expression | format}` holes, for the
// `explain`, `because` and remediation `step` texts of rules.
//
// Compile once against a Schema (each hole is an Expression; formats are
// checked against the hole's static type), render many times. Rendering
// appends to a caller-owned std::string; an unknown (absent) hole renders as
// "(unknown)", a null one as "(none)". `{{` and `}}` are literal braces. The
// syntax and formats are documented in docs/rule-language.md ("Templates").
//
// Thread-safety: a compiled Template is immutable; Render may run on many
// threads at once, each with its own EvalContext and output string.
#ifndef WHYD_ENGINE_TEMPLATE_H_
#define WHYD_ENGINE_TEMPLATE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/expression.h"

namespace whyd {

class Template {
 public:
  // Never returns null; check ok(). Error offsets, lines and columns are
  // within the whole template text.
  static std::unique_ptr<Template> Compile(std::string_view text, const Schema& schema,
                                           const CompileOptions& options = {});
  ~Template();

  bool ok() const { return error_.message.empty(); }
  const CompileError& error() const { return error_; }
  const std::string& text() const { return text_; }
  // Every fact path the holes read, without duplicates.
  const std::vector<std::string>& paths() const { return paths_; }
  // True when the text has no holes: Render appends the same text whatever
  // the facts (and reads nothing of the EvalContext).
  bool constant() const;

  // Appends the rendered text to *out. Holes that build lists or strings use
  // ctx.scratch.
  void Render(const EvalContext& ctx, std::string* out) const;
  std::string Render(const EvalContext& ctx) const {
    std::string out;
    Render(ctx, &out);
    return out;
  }

  struct Piece;

 private:
  Template() = default;
  std::string text_;
  CompileError error_;
  std::vector<std::string> paths_;
  std::vector<Piece> pieces_;
};

// Appends a value as a hole without a format shows it: strings as they are,
// numbers plainly, dates "29 Nov 2026", timestamps "29 Nov 2026 14:02",
// durations "12 minutes", lists joined with ", ", absent "(unknown)", null
// "(none)". Shared with the writers of `because` texts.
void AppendValue(const Value& value, std::string* out);

}  // namespace whyd

#endif  // WHYD_ENGINE_TEMPLATE_H_
