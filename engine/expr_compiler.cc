// The expression compiler; see expr_compiler.h.
//
// A recursive-descent parser that type-checks as it builds each node, so every
// error is reported at the token that caused it. Precedence, lowest first:
// or, and, not, comparison (non-associative), + -, * /, unary -, postfix `.`.
#include "engine/expr_compiler.h"

#include <algorithm>
#include <optional>

#include "engine/expr_lexer.h"
#include "engine/time_util.h"

namespace whyd::expr {
namespace {

bool IsNumeric(Kind k) { return k == Kind::kInt || k == Kind::kFloat; }
bool IsAny(const Type& t) { return t.kind == Kind::kAbsent; }
bool IsLoose(const Type& t) { return t.kind == Kind::kAbsent || t.kind == Kind::kNull; }
bool IsOrderable(Kind k) {
  return k == Kind::kInt || k == Kind::kFloat || k == Kind::kString || k == Kind::kDate ||
         k == Kind::kTime || k == Kind::kDuration;
}

std::string TypeName(const Type& t) {
  if (t.kind == Kind::kNull) return "null";
  if (t.kind == Kind::kBool) return "bool";
  return t.ToString();
}

Type AnyType() { return Type{}; }
Type BoolType() { return Type::Scalar(Kind::kBool); }

// The type of one item of a list type (any when unknown).
Type ElementType(const Type& list) {
  if (list.kind != Kind::kList) return AnyType();
  if (list.element == Kind::kRecord) return Type::RecordOf(list.record);
  return Type::Scalar(list.element);
}

Type ListOfType(const Type& element) {
  if (element.kind == Kind::kRecord) return Type::ListOfRecords(element.record);
  if (element.kind == Kind::kNull) return Type::ListOf(Kind::kAbsent);
  return Type::ListOf(element.kind);
}

// Whether values of the two types may be compared for equality.
bool Compatible(const Type& a, const Type& b) {
  if (IsLoose(a) || IsLoose(b)) return true;
  if (IsNumeric(a.kind) && IsNumeric(b.kind)) return true;
  if (a.kind != b.kind) return false;
  if (a.kind == Kind::kList) {
    return a.element == Kind::kAbsent || b.element == Kind::kAbsent ||
           Compatible(ElementType(a), ElementType(b));
  }
  if (a.kind == Kind::kRecord) return a.record == nullptr || b.record == nullptr || a.record == b.record;
  return true;
}

// The type both branches of if()/coalesce()/min() share, if any.
std::optional<Type> CommonType(const Type& a, const Type& b) {
  if (a.kind == Kind::kNull) return b;
  if (b.kind == Kind::kNull) return a;
  if (IsAny(a) || IsAny(b)) return AnyType();
  if (IsNumeric(a.kind) && IsNumeric(b.kind)) {
    return Type::Scalar(a.kind == Kind::kFloat || b.kind == Kind::kFloat ? Kind::kFloat : Kind::kInt);
  }
  if (!Compatible(a, b)) return std::nullopt;
  return a;
}

struct FnInfo {
  const char* name;
  Fn fn;
  int min_args;
  int max_args;
  int lambda_arg;  // index of the argument that must be a lambda, or -1
};

constexpr FnInfo kFunctions[] = {
    {"count", Fn::kCount, 1, 2, 1},       {"any", Fn::kAny, 2, 2, 1},
    {"all", Fn::kAll, 2, 2, 1},           {"where", Fn::kWhere, 2, 2, 1},
    {"map", Fn::kMap, 2, 2, 1},           {"newest", Fn::kNewest, 2, 2, 1},
    {"oldest", Fn::kOldest, 2, 2, 1},     {"first", Fn::kFirst, 1, 1, -1},
    {"last", Fn::kLast, 1, 1, -1},        {"first_n", Fn::kFirstN, 2, 2, -1},
    {"last_n", Fn::kLastN, 2, 2, -1},     {"min", Fn::kMin, 1, 2, -1},
    {"max", Fn::kMax, 1, 2, -1},          {"sum", Fn::kSum, 1, 1, -1},
    {"lower", Fn::kLower, 1, 1, -1},      {"upper", Fn::kUpper, 1, 1, -1},
    {"trim", Fn::kTrim, 1, 1, -1},        {"len", Fn::kLen, 1, 1, -1},
    {"contains", Fn::kContains, 2, 2, -1}, {"starts_with", Fn::kStartsWith, 2, 2, -1},
    {"ends_with", Fn::kEndsWith, 2, 2, -1}, {"same_text", Fn::kSameText, 2, 2, -1},
    {"matches", Fn::kMatches, 2, 2, -1},  {"exists", Fn::kExists, 1, 1, -1},
    {"is_set", Fn::kIsSet, 1, 1, -1},     {"coalesce", Fn::kCoalesce, 2, 2, -1},
    {"now", Fn::kNow, 0, 0, -1},          {"today", Fn::kToday, 0, 0, -1},
    {"date", Fn::kDate, 1, 1, -1},        {"timestamp", Fn::kTimestamp, 1, 1, -1},
    {"days", Fn::kDays, 1, 1, -1},        {"hours", Fn::kHours, 1, 1, -1},
    {"minutes", Fn::kMinutes, 1, 1, -1},
};

const FnInfo* FindFunction(std::string_view name) {
  for (const FnInfo& f : kFunctions) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

struct LambdaBinding {
  std::string name;
  int slot;
  Type type;
  std::string path_prefix;  // "user.sign_ins[]" when bound to the items of a path
};

class Compiler {
 public:
  Compiler(std::string_view text, const Schema& schema, const CompileOptions& options,
           Program* program, std::vector<Condition>* conditions, std::vector<std::string>* paths)
      : text_(text), schema_(schema), options_(options), program_(program),
        conditions_(conditions), paths_(paths) {}

  bool Run(CompileError* error) {
    if (text_.size() > options_.max_length) {
      return Fail(static_cast<int>(options_.max_length),
                  "expression is longer than " + std::to_string(options_.max_length) + " bytes", error);
    }
    if (schema_.root() == nullptr) return Fail(0, "the schema has no root record type", error);
    LexError lex_error;
    tokens_ = Tokenize(text_, &lex_error);
    if (lex_error.offset >= 0) return Fail(lex_error.offset, lex_error.message, error);
    Node* root = ParseExpr();
    if (root != nullptr && Peek().kind != Tok::kEnd) {
      Error(Peek().begin, "unexpected " + Describe(Peek()) + " after the end of the expression");
      root = nullptr;
    }
    if (root != nullptr && root->type.kind == Kind::kBool) MarkBoolContext(root);
    if (failed_) return Fail(error_offset_, error_message_, error);
    program_->root = root;
    return true;
  }

 private:
  bool Fail(int offset, std::string message, CompileError* error) {
    error->offset = offset;
    error->message = std::move(message);
    return false;
  }

  // Records the first error only; parsing unwinds by returning null.
  Node* Error(int offset, std::string message) {
    if (!failed_) {
      failed_ = true;
      error_offset_ = offset;
      error_message_ = std::move(message);
    }
    return nullptr;
  }

  const Token& Peek(int ahead = 0) const {
    const size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Take() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool Accept(Tok kind) {
    if (Peek().kind != kind) return false;
    Take();
    return true;
  }
  bool Expect(Tok kind, std::string_view context) {
    if (Accept(kind)) return true;
    Error(Peek().begin, "expected " + std::string(TokName(kind)) + " " + std::string(context) +
                            ", found " + Describe(Peek()));
    return false;
  }
  std::string Describe(const Token& t) const {
    if (t.kind == Tok::kEnd) return "the end of the expression";
    std::string_view s = text_.substr(t.begin, t.end - t.begin);
    if (s.size() > 40) return std::string(TokName(t.kind));
    return "'" + std::string(s) + "'";
  }
  std::string Span(const Node* n) const { return std::string(text_.substr(n->begin, n->end - n->begin)); }

  Node* NewNode(Op op, int begin, int end) {
    Node& n = program_->nodes.emplace_back();
    n.op = op;
    n.begin = begin;
    n.end = end;
    return &n;
  }
  // Links operands and bounds the tree height (flat chains like a+b+c+... grow
  // the tree without growing the parser's recursion).
  Node* WithArgs(Node* n, std::initializer_list<Node*> args) {
    for (Node* a : args) AddArg(n, a);
    return n;
  }
  void AddArg(Node* n, Node* a) {
    n->args.push_back(a);
    n->depth = std::max(n->depth, a->depth + 1);
    if (n->depth > options_.max_depth * 4) Error(n->begin, "expression is nested too deeply");
  }

  struct DepthGuard {
    explicit DepthGuard(Compiler* c) : c_(c) { ++c_->depth_; }
    ~DepthGuard() { --c_->depth_; }
    Compiler* c_;
  };
  bool TooDeep() {
    if (depth_ <= options_.max_depth) return false;
    Error(Peek().begin, "expression is nested too deeply (more than " +
                            std::to_string(options_.max_depth) + " levels)");
    return true;
  }

  // --- conditions and paths ---------------------------------------------------

  void CollectPaths(const Node* n, std::vector<int>* out) const {
    if (n->op == Op::kPath && n->path >= 0 &&
        std::find(out->begin(), out->end(), n->path) == out->end()) {
      out->push_back(n->path);
    }
    if (n->base != nullptr) CollectPaths(n->base, out);
    for (const Node* a : n->args) CollectPaths(a, out);
  }

  void AddCondition(Node* n, std::string op, const Node* lhs, const Node* rhs) {
    Condition c;
    c.text = Span(n);
    c.op = std::move(op);
    if (lhs != nullptr) c.lhs_text = Span(lhs);
    if (rhs != nullptr) c.rhs_text = Span(rhs);
    std::vector<int> path_ids;
    CollectPaths(n, &path_ids);
    for (int id : path_ids) c.paths.push_back((*paths_)[id]);
    c.in_lambda = !scope_.empty();
    n->condition = static_cast<int>(conditions_->size());
    conditions_->push_back(std::move(c));
  }

  // A bare boolean fact where true/false is expected is a condition of its own.
  void MarkBoolContext(Node* n) {
    if (n->condition >= 0) return;
    if ((n->op == Op::kPath || n->op == Op::kVar) && n->type.kind == Kind::kBool) {
      AddCondition(n, "fact", nullptr, nullptr);
    }
  }

  bool RequireBool(Node* n, std::string_view what) {
    if (n->type.kind == Kind::kBool || IsAny(n->type)) {
      MarkBoolContext(n);
      return true;
    }
    Error(n->begin, std::string(what) + " needs true/false, but '" + Span(n) + "' is " + TypeName(n->type));
    return false;
  }

  // --- grammar ----------------------------------------------------------------

  Node* ParseExpr() {
    DepthGuard guard(this);
    if (TooDeep()) return nullptr;
    return ParseOr();
  }

  Node* ParseOr() {
    Node* lhs = ParseAnd();
    if (lhs == nullptr || Peek().kind != Tok::kOr) return lhs;
    Node* n = NewNode(Op::kOr, lhs->begin, lhs->end);
    if (!RequireBool(lhs, "'or'")) return nullptr;
    AddArg(n, lhs);
    while (Accept(Tok::kOr)) {
      Node* rhs = ParseAnd();
      if (rhs == nullptr || !RequireBool(rhs, "'or'")) return nullptr;
      AddArg(n, rhs);
      n->end = rhs->end;
    }
    n->type = BoolType();
    return failed_ ? nullptr : n;
  }

  Node* ParseAnd() {
    Node* lhs = ParseNot();
    if (lhs == nullptr || Peek().kind != Tok::kAnd) return lhs;
    Node* n = NewNode(Op::kAnd, lhs->begin, lhs->end);
    if (!RequireBool(lhs, "'and'")) return nullptr;
    AddArg(n, lhs);
    while (Accept(Tok::kAnd)) {
      Node* rhs = ParseNot();
      if (rhs == nullptr || !RequireBool(rhs, "'and'")) return nullptr;
      AddArg(n, rhs);
      n->end = rhs->end;
    }
    n->type = BoolType();
    return failed_ ? nullptr : n;
  }

  Node* ParseNot() {
    if (Peek().kind != Tok::kNot) return ParseComparison();
    DepthGuard guard(this);
    if (TooDeep()) return nullptr;
    const int begin = Take().begin;
    Node* operand = ParseNot();
    if (operand == nullptr || !RequireBool(operand, "'not'")) return nullptr;
    Node* n = NewNode(Op::kNot, begin, operand->end);
    n->type = BoolType();
    return WithArgs(n, {operand});
  }

  static std::optional<Op> ComparisonOp(Tok t) {
    switch (t) {
      case Tok::kEq: return Op::kEq;
      case Tok::kNe: return Op::kNe;
      case Tok::kLt: return Op::kLt;
      case Tok::kLe: return Op::kLe;
      case Tok::kGt: return Op::kGt;
      case Tok::kGe: return Op::kGe;
      case Tok::kIn: return Op::kIn;
      default: return std::nullopt;
    }
  }

  Node* ParseComparison() {
    Node* lhs = ParseAdditive();
    if (lhs == nullptr) return nullptr;
    std::optional<Op> op = ComparisonOp(Peek().kind);
    const Token& op_token = Peek();
    const int op_offset = op_token.begin;
    std::string op_text(text_.substr(op_token.begin, op_token.end - op_token.begin));
    if (!op && Peek().kind == Tok::kNot && Peek(1).kind == Tok::kIn) {
      Take();
      op = Op::kNotIn;
      op_text = "not in";
    }
    if (!op) return lhs;
    Take();
    Node* rhs = ParseAdditive();
    if (rhs == nullptr) return nullptr;
    if (ComparisonOp(Peek().kind) || (Peek().kind == Tok::kNot && Peek(1).kind == Tok::kIn)) {
      return Error(Peek().begin, "comparisons cannot be chained; combine them with 'and'");
    }
    if (*op == Op::kIn || *op == Op::kNotIn) {
      if (rhs->type.kind != Kind::kList && !IsLoose(rhs->type)) {
        return Error(rhs->begin, "'" + op_text + "' needs a list on its right, but '" + Span(rhs) +
                                     "' is " + TypeName(rhs->type));
      }
      if (!Compatible(lhs->type, ElementType(rhs->type))) {
        return Error(op_offset, "cannot look for " + TypeName(lhs->type) + " '" + Span(lhs) +
                                    "' in " + TypeName(rhs->type) + " '" + Span(rhs) + "'");
      }
    } else {
      if (!Compatible(lhs->type, rhs->type)) {
        return Error(op_offset, "cannot compare " + TypeName(lhs->type) + " '" + Span(lhs) + "' with " +
                                    TypeName(rhs->type) + " '" + Span(rhs) + "'");
      }
      const bool ordering = *op != Op::kEq && *op != Op::kNe;
      if (ordering) {
        for (const Node* side : {lhs, rhs}) {
          if (!IsLoose(side->type) && !IsOrderable(side->type.kind)) {
            return Error(op_offset, "'" + op_text + "' cannot order " + TypeName(side->type) + " '" +
                                        Span(side) + "'");
          }
        }
      }
    }
    Node* n = NewNode(*op, lhs->begin, rhs->end);
    n->type = BoolType();
    WithArgs(n, {lhs, rhs});
    if (failed_) return nullptr;
    AddCondition(n, op_text, lhs, rhs);
    return n;
  }

  // The result type of an arithmetic operation, or nullopt when it is invalid.
  static std::optional<Type> ArithmeticType(Op op, const Type& a, const Type& b) {
    if (IsLoose(a) || IsLoose(b)) {
      // Null propagates; "any" is resolved at evaluation time.
      const Type& known = IsLoose(a) ? b : a;
      if (IsLoose(known)) return AnyType();
      if (op == Op::kSub && (known.kind == Kind::kTime || known.kind == Kind::kDate)) {
        return AnyType();  // t - x: duration or timestamp depending on x
      }
      if (IsNumeric(known.kind) || known.kind == Kind::kDuration || known.kind == Kind::kTime ||
          known.kind == Kind::kDate) {
        return op == Op::kDiv && IsNumeric(known.kind) ? Type::Scalar(Kind::kFloat) : AnyType();
      }
      return std::nullopt;
    }
    const Kind x = a.kind;
    const Kind y = b.kind;
    if (IsNumeric(x) && IsNumeric(y)) {
      if (op == Op::kDiv || x == Kind::kFloat || y == Kind::kFloat) return Type::Scalar(Kind::kFloat);
      return Type::Scalar(Kind::kInt);
    }
    const Type time = Type::Scalar(Kind::kTime);
    const Type date = Type::Scalar(Kind::kDate);
    const Type duration = Type::Scalar(Kind::kDuration);
    switch (op) {
      case Op::kAdd:
        if ((x == Kind::kTime && y == Kind::kDuration) || (x == Kind::kDuration && y == Kind::kTime)) return time;
        if ((x == Kind::kDate && y == Kind::kDuration) || (x == Kind::kDuration && y == Kind::kDate)) return date;
        if (x == Kind::kDuration && y == Kind::kDuration) return duration;
        return std::nullopt;
      case Op::kSub:
        if (x == Kind::kTime && y == Kind::kDuration) return time;
        if (x == Kind::kTime && y == Kind::kTime) return duration;
        if (x == Kind::kDate && y == Kind::kDuration) return date;
        if (x == Kind::kDate && y == Kind::kDate) return duration;
        if (x == Kind::kDuration && y == Kind::kDuration) return duration;
        return std::nullopt;
      case Op::kMul:
        if ((IsNumeric(x) && y == Kind::kDuration) || (x == Kind::kDuration && IsNumeric(y))) return duration;
        return std::nullopt;
      case Op::kDiv:
        if (x == Kind::kDuration && IsNumeric(y)) return duration;
        if (x == Kind::kDuration && y == Kind::kDuration) return Type::Scalar(Kind::kFloat);
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  Node* MakeArithmetic(Op op, const Token& op_token, Node* lhs, Node* rhs) {
    const std::optional<Type> type = ArithmeticType(op, lhs->type, rhs->type);
    if (!type) {
      const std::string op_text(text_.substr(op_token.begin, op_token.end - op_token.begin));
      return Error(op_token.begin, "cannot apply '" + op_text + "' to " + TypeName(lhs->type) + " '" +
                                       Span(lhs) + "' and " + TypeName(rhs->type) + " '" + Span(rhs) + "'");
    }
    Node* n = NewNode(op, lhs->begin, rhs->end);
    n->type = *type;
    WithArgs(n, {lhs, rhs});
    return failed_ ? nullptr : n;
  }

  Node* ParseAdditive() {
    Node* lhs = ParseMultiplicative();
    while (lhs != nullptr && (Peek().kind == Tok::kPlus || Peek().kind == Tok::kMinus)) {
      const Token& op_token = Take();
      Node* rhs = ParseMultiplicative();
      if (rhs == nullptr) return nullptr;
      lhs = MakeArithmetic(op_token.kind == Tok::kPlus ? Op::kAdd : Op::kSub, op_token, lhs, rhs);
    }
    return lhs;
  }

  Node* ParseMultiplicative() {
    Node* lhs = ParseUnary();
    while (lhs != nullptr && (Peek().kind == Tok::kStar || Peek().kind == Tok::kSlash)) {
      const Token& op_token = Take();
      Node* rhs = ParseUnary();
      if (rhs == nullptr) return nullptr;
      lhs = MakeArithmetic(op_token.kind == Tok::kStar ? Op::kMul : Op::kDiv, op_token, lhs, rhs);
    }
    return lhs;
  }

  Node* ParseUnary() {
    if (Peek().kind != Tok::kMinus) return ParsePostfix();
    DepthGuard guard(this);
    if (TooDeep()) return nullptr;
    const int begin = Take().begin;
    Node* operand = ParseUnary();
    if (operand == nullptr) return nullptr;
    const Kind k = operand->type.kind;
    if (operand->op == Op::kConst && (k == Kind::kInt || k == Kind::kFloat || k == Kind::kDuration) &&
        operand->value.as_int() != INT64_MIN) {
      // Fold negative literals so that -5 is a constant.
      operand->begin = begin;
      if (k == Kind::kFloat) operand->value = Value::Float(-operand->value.as_float());
      else if (k == Kind::kInt) operand->value = Value::Int(-operand->value.as_int());
      else operand->value = Value::Duration(-operand->value.as_duration());
      return operand;
    }
    if (!IsLoose(operand->type) && !IsNumeric(k) && k != Kind::kDuration) {
      return Error(begin, "cannot negate " + TypeName(operand->type) + " '" + Span(operand) + "'");
    }
    Node* n = NewNode(Op::kNeg, begin, operand->end);
    n->type = operand->type.kind == Kind::kNull ? AnyType() : operand->type;
    return WithArgs(n, {operand});
  }

  Node* ParsePostfix() {
    Node* n = ParsePrimary();
    while (n != nullptr && Peek().kind == Tok::kDot) {
      Take();
      const Token& name = Peek();
      if (name.kind != Tok::kIdent) {
        return Error(name.begin, "expected a field name after '.', found " + Describe(name));
      }
      Take();
      n = AddFieldStep(n, name);
    }
    if (n != nullptr && n->op == Op::kPath && n->path < 0) RegisterPath(n);
    return n;
  }

  Node* AddFieldStep(Node* n, const Token& name) {
    const Type& t = n->type;
    if (t.kind == Kind::kList) {
      return Error(name.begin, "'" + Span(n) + "' is a list; use map(" + Span(n) + ", x -> x." + name.text +
                                   ") or first(" + Span(n) + ")." + name.text);
    }
    if (t.kind != Kind::kRecord || t.record == nullptr) {
      return Error(name.begin, "cannot look up '" + name.text + "' on " + TypeName(t) + " '" + Span(n) + "'");
    }
    const RecordType* record = t.record;
    const int index = record->FindField(name.text);
    if (index < 0) {
      std::vector<std::string_view> names;
      for (int i = 0; i < record->field_count(); ++i) names.push_back(record->field(i).name);
      return Error(name.begin, "unknown field '" + name.text + "' of " + record->name() +
                                   Suggestion(name.text, names));
    }
    if (n->op != Op::kPath) {
      Node* path = NewNode(Op::kPath, n->begin, n->end);
      path->base = n;
      path->depth = n->depth + 1;
      n = path;
    }
    n->steps.push_back(index);
    n->end = name.end;
    n->type = record->field(index).type;
    return n;
  }

  static std::string Suggestion(std::string_view name, const std::vector<std::string_view>& names) {
    const std::string best = ClosestName(name, names);
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
  }

  void RegisterPath(Node* n) {
    std::string text;
    if (n->base == nullptr) {
      const RecordType* record = schema_.root();
      for (int step : n->steps) {
        const FieldDef& field = record->field(step);
        if (!text.empty()) text += '.';
        text += field.name;
        record = field.type.record;
      }
    } else if (n->base->op == Op::kVar && !PrefixOfSlot(n->base->slot).empty()) {
      text = PrefixOfSlot(n->base->slot);
      const RecordType* record = n->base->type.record;
      for (int step : n->steps) {
        const FieldDef& field = record->field(step);
        text += '.';
        text += field.name;
        record = field.type.record;
      }
    } else {
      text = Span(n);
    }
    auto it = std::find(paths_->begin(), paths_->end(), text);
    n->path = static_cast<int>(it - paths_->begin());
    if (it == paths_->end()) paths_->push_back(std::move(text));
  }

  std::string PrefixOfSlot(int slot) const {
    for (const LambdaBinding& b : all_bindings_) {
      if (b.slot == slot) return b.path_prefix;
    }
    return "";
  }

  Node* Constant(const Token& t, Value v, Type type) {
    Node* n = NewNode(Op::kConst, t.begin, t.end);
    n->value = v;
    n->type = type;
    return n;
  }

  Value StringConstant(std::string s) {
    const std::string& stored = program_->strings.emplace_back(std::move(s));
    return Value::String(stored);
  }

  Node* ParsePrimary() {
    DepthGuard guard(this);
    if (TooDeep()) return nullptr;
    const Token& t = Peek();
    switch (t.kind) {
      case Tok::kInt: Take(); return Constant(t, Value::Int(t.int_value), Type::Scalar(Kind::kInt));
      case Tok::kFloat: Take(); return Constant(t, Value::Float(t.float_value), Type::Scalar(Kind::kFloat));
      case Tok::kDuration:
        Take();
        return Constant(t, Value::Duration(t.int_value), Type::Scalar(Kind::kDuration));
      case Tok::kString: Take(); return Constant(t, StringConstant(t.text), Type::Scalar(Kind::kString));
      case Tok::kTrue: Take(); return Constant(t, Value::Bool(true), BoolType());
      case Tok::kFalse: Take(); return Constant(t, Value::Bool(false), BoolType());
      case Tok::kNull: Take(); return Constant(t, Value::Null(), Type::Scalar(Kind::kNull));
      case Tok::kLParen: {
        const int begin = Take().begin;
        Node* inner = ParseExpr();
        if (inner == nullptr || !Expect(Tok::kRParen, "to close '('")) return nullptr;
        (void)begin;
        return inner;
      }
      case Tok::kLBracket: return ParseList();
      case Tok::kIdent: {
        if (Peek(1).kind == Tok::kArrow) {
          return Error(t.begin, "a lambda (" + t.text + " -> ...) can only be an argument of count, any, all, "
                                "where, map, newest or oldest");
        }
        if (Peek(1).kind == Tok::kLParen) return ParseCall();
        return ParseName();
      }
      default:
        return Error(t.begin, "expected a value, found " + Describe(t));
    }
  }

  Node* ParseList() {
    const int begin = Take().begin;
    Node* n = NewNode(Op::kList, begin, begin + 1);
    Type element = Type::Scalar(Kind::kNull);
    bool all_constant = true;
    if (Peek().kind != Tok::kRBracket) {
      while (true) {
        Node* item = ParseExpr();
        if (item == nullptr) return nullptr;
        const std::optional<Type> common = CommonType(element, item->type);
        if (!common) {
          return Error(item->begin, "list items must have one type: '" + Span(item) + "' is " +
                                        TypeName(item->type) + ", earlier items are " + TypeName(element));
        }
        element = *common;
        all_constant = all_constant && item->op == Op::kConst;
        AddArg(n, item);
        if (failed_) return nullptr;
        if (!Accept(Tok::kComma)) break;
      }
    }
    n->end = Peek().end;
    if (!Expect(Tok::kRBracket, "to close '['")) return nullptr;
    n->type = ListOfType(element);
    if (all_constant) {
      std::vector<Value>& items = program_->list_items.emplace_back();
      for (const Node* item : n->args) items.push_back(item->value);
      List& list = program_->lists.emplace_back();
      list.items = items.data();
      list.size = static_cast<uint32_t>(items.size());
      n->op = Op::kConst;
      n->value = Value::OfList(&list);
      n->args.clear();
    }
    return n;
  }

  Node* ParseName() {
    const Token& t = Take();
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
      if (it->name == t.text) {
        Node* n = NewNode(Op::kVar, t.begin, t.end);
        n->slot = it->slot;
        n->type = it->type;
        return n;
      }
    }
    const RecordType* root = schema_.root();
    const int index = root->FindField(t.text);
    if (index < 0) {
      std::vector<std::string_view> names;
      for (const LambdaBinding& b : scope_) names.push_back(b.name);
      for (int i = 0; i < root->field_count(); ++i) names.push_back(root->field(i).name);
      return Error(t.begin, "unknown name '" + t.text + "'" + Suggestion(t.text, names));
    }
    Node* n = NewNode(Op::kPath, t.begin, t.end);
    n->steps.push_back(index);
    n->type = root->field(index).type;
    return n;
  }

  Node* ParseCall() {
    const Token& name = Take();
    const FnInfo* info = FindFunction(name.text);
    const bool is_if = name.text == "if";
    if (info == nullptr && !is_if) {
      std::vector<std::string_view> names;
      for (const FnInfo& f : kFunctions) names.push_back(f.name);
      names.push_back("if");
      return Error(name.begin, "unknown function '" + name.text + "'" + Suggestion(name.text, names));
    }
    Take();  // '('
    Node* n = NewNode(is_if ? Op::kIf : Op::kCall, name.begin, name.end);
    if (info != nullptr) n->fn = info->fn;
    std::vector<int> arg_begins;
    if (Peek().kind != Tok::kRParen) {
      while (true) {
        const int index = static_cast<int>(n->args.size());
        arg_begins.push_back(Peek().begin);
        Node* arg = nullptr;
        if (Peek().kind == Tok::kIdent && Peek(1).kind == Tok::kArrow) {
          if (info == nullptr || info->lambda_arg != index) {
            return Error(Peek().begin, "'" + name.text + "' does not take a lambda as argument " +
                                           std::to_string(index + 1));
          }
          arg = ParseLambda(n);
        } else {
          arg = ParseExpr();
        }
        if (arg == nullptr) return nullptr;
        AddArg(n, arg);
        if (failed_) return nullptr;
        if (!Accept(Tok::kComma)) break;
      }
    }
    n->end = Peek().end;
    if (!Expect(Tok::kRParen, "to close the arguments of '" + name.text + "'")) return nullptr;
    const int count = static_cast<int>(n->args.size());
    const int min_args = is_if ? 3 : info->min_args;
    const int max_args = is_if ? 3 : info->max_args;
    if (count < min_args || count > max_args) {
      std::string expected = min_args == max_args ? std::to_string(min_args)
                                                  : std::to_string(min_args) + " or " + std::to_string(max_args);
      return Error(name.begin, "'" + name.text + "' takes " + expected + " argument" +
                                   (max_args == 1 ? "" : "s") + ", got " + std::to_string(count));
    }
    if (info != nullptr && info->lambda_arg >= 0 && count > info->lambda_arg && n->slot < 0) {
      return Error(arg_begins[info->lambda_arg], "argument " + std::to_string(info->lambda_arg + 1) + " of '" +
                                                     name.text + "' must be a lambda (x -> ...)");
    }
    if (is_if) return CheckIf(n);
    return CheckCall(n, name.text);
  }

  Node* ParseLambda(Node* call) {
    const Token& param = Take();
    Take();  // '->'
    for (const LambdaBinding& b : scope_) {
      if (b.name == param.text) {
        return Error(param.begin, "lambda parameter '" + param.text + "' is already bound by an enclosing lambda");
      }
    }
    if (program_->slot_count >= kMaxLambdaSlots) {
      return Error(param.begin, "too many lambdas in one expression (at most " +
                                    std::to_string(kMaxLambdaSlots) + ")");
    }
    const Node* list = call->args.empty() ? nullptr : call->args[0];
    if (list == nullptr) return Error(param.begin, "a lambda needs a list before it");
    if (list->type.kind != Kind::kList && !IsLoose(list->type)) {
      return Error(list->begin, "'" + Span(list) + "' is " + TypeName(list->type) + ", not a list");
    }
    LambdaBinding binding;
    binding.name = param.text;
    binding.slot = program_->slot_count++;
    binding.type = ElementType(list->type);
    if (list->op == Op::kPath && list->path >= 0) binding.path_prefix = (*paths_)[list->path] + "[]";
    call->slot = binding.slot;
    all_bindings_.push_back(binding);
    scope_.push_back(binding);
    Node* body = ParseExpr();
    const bool predicate = call->fn == Fn::kCount || call->fn == Fn::kAny || call->fn == Fn::kAll ||
                           call->fn == Fn::kWhere;
    // Marked while the parameter is still in scope, so the leaf counts as in_lambda.
    if (body != nullptr && predicate && body->type.kind == Kind::kBool) MarkBoolContext(body);
    scope_.pop_back();
    return body;
  }

  Node* CheckIf(Node* n) {
    Node* cond = n->args[0];
    if (!RequireBool(cond, "the condition of 'if'")) return nullptr;
    const std::optional<Type> type = CommonType(n->args[1]->type, n->args[2]->type);
    if (!type) {
      return Error(n->args[2]->begin, "the branches of 'if' differ: " + TypeName(n->args[1]->type) + " and " +
                                          TypeName(n->args[2]->type));
    }
    n->type = *type;
    return n;
  }

  // Argument i must be one of the given kinds (or any/null).
  bool ArgIs(Node* n, int i, std::initializer_list<Kind> kinds, std::string_view fn, std::string_view what) {
    const Node* a = n->args[i];
    if (IsLoose(a->type)) return true;
    for (Kind k : kinds) {
      if (a->type.kind == k) return true;
    }
    Error(a->begin, "'" + std::string(fn) + "' needs " + std::string(what) + ", but '" + Span(a) + "' is " +
                        TypeName(a->type));
    return false;
  }

  Node* CheckCall(Node* n, const std::string& name) {
    auto& a = n->args;
    const int count = static_cast<int>(a.size());
    auto list_arg = [&]() { return ArgIs(n, 0, {Kind::kList}, name, "a list"); };
    switch (n->fn) {
      case Fn::kCount:
        if (!list_arg()) return nullptr;
        if (count == 2 && !RequireBool(a[1], "the lambda of 'count'")) return nullptr;
        n->type = Type::Scalar(Kind::kInt);
        break;
      case Fn::kAny:
      case Fn::kAll:
        if (!list_arg() || !RequireBool(a[1], "the lambda of '" + name + "'")) return nullptr;
        n->type = BoolType();
        AddCondition(n, name, a[0], a[1]);
        break;
      case Fn::kWhere:
        if (!list_arg() || !RequireBool(a[1], "the lambda of 'where'")) return nullptr;
        n->type = IsLoose(a[0]->type) ? AnyType() : a[0]->type;
        break;
      case Fn::kMap:
        if (!list_arg()) return nullptr;
        if (a[1]->type.kind == Kind::kList) return Error(a[1]->begin, "'map' cannot make a list of lists");
        n->type = ListOfType(a[1]->type);
        break;
      case Fn::kNewest:
      case Fn::kOldest:
        if (!list_arg()) return nullptr;
        if (!IsLoose(a[1]->type) && !IsOrderable(a[1]->type.kind)) {
          return Error(a[1]->begin, "the key of '" + name + "' must be orderable, but '" + Span(a[1]) + "' is " +
                                        TypeName(a[1]->type));
        }
        n->type = ElementType(a[0]->type);
        break;
      case Fn::kFirst:
      case Fn::kLast:
        if (!list_arg()) return nullptr;
        n->type = ElementType(a[0]->type);
        break;
      case Fn::kFirstN:
      case Fn::kLastN:
        if (!list_arg() || !ArgIs(n, 1, {Kind::kInt}, name, "a whole number")) return nullptr;
        n->type = IsLoose(a[0]->type) ? AnyType() : a[0]->type;
        break;
      case Fn::kMin:
      case Fn::kMax:
      case Fn::kSum: {
        Type item;
        if (count == 1) {
          if (!list_arg()) return nullptr;
          item = ElementType(a[0]->type);
        } else {
          const std::optional<Type> common = CommonType(a[0]->type, a[1]->type);
          if (!common) {
            return Error(a[1]->begin, "'" + name + "' needs two values of one type, got " + TypeName(a[0]->type) +
                                          " and " + TypeName(a[1]->type));
          }
          item = *common;
        }
        const bool ok = n->fn == Fn::kSum
                            ? (IsLoose(item) || IsNumeric(item.kind) || item.kind == Kind::kDuration)
                            : (IsLoose(item) || IsOrderable(item.kind));
        if (!ok) {
          return Error(a[0]->begin, "'" + name + "' cannot work on " + TypeName(item) + " values");
        }
        n->type = item.kind == Kind::kNull ? AnyType() : item;
        break;
      }
      case Fn::kLower:
      case Fn::kUpper:
      case Fn::kTrim:
        if (!ArgIs(n, 0, {Kind::kString}, name, "a string")) return nullptr;
        n->type = Type::Scalar(Kind::kString);
        break;
      case Fn::kLen:
        if (!ArgIs(n, 0, {Kind::kString, Kind::kList}, name, "a string or a list")) return nullptr;
        n->type = Type::Scalar(Kind::kInt);
        break;
      case Fn::kContains:
        if (!ArgIs(n, 0, {Kind::kString, Kind::kList}, name, "a string or a list")) return nullptr;
        if (a[0]->type.kind == Kind::kString && !ArgIs(n, 1, {Kind::kString}, name, "a string to look for")) {
          return nullptr;
        }
        if (a[0]->type.kind == Kind::kList && !Compatible(ElementType(a[0]->type), a[1]->type)) {
          return Error(a[1]->begin, "cannot look for " + TypeName(a[1]->type) + " '" + Span(a[1]) + "' in " +
                                        TypeName(a[0]->type) + " '" + Span(a[0]) + "'");
        }
        n->type = BoolType();
        AddCondition(n, name, a[0], a[1]);
        break;
      case Fn::kStartsWith:
      case Fn::kEndsWith:
      case Fn::kSameText:
        if (!ArgIs(n, 0, {Kind::kString}, name, "strings") || !ArgIs(n, 1, {Kind::kString}, name, "strings")) {
          return nullptr;
        }
        n->type = BoolType();
        AddCondition(n, name, a[0], a[1]);
        break;
      case Fn::kMatches: {
        if (!ArgIs(n, 0, {Kind::kString}, name, "a string")) return nullptr;
        if (a[1]->op != Op::kConst || a[1]->type.kind != Kind::kString) {
          return Error(a[1]->begin, "the pattern of 'matches' must be a string literal");
        }
        RE2::Options re_options;
        re_options.set_log_errors(false);
        re_options.set_max_mem(1 << 20);
        n->regex = std::make_unique<RE2>(a[1]->value.as_string(), re_options);
        if (!n->regex->ok()) {
          return Error(a[1]->begin, "bad regular expression: " + n->regex->error());
        }
        n->type = BoolType();
        AddCondition(n, name, a[0], a[1]);
        break;
      }
      case Fn::kExists:
      case Fn::kCoalesce:
        // An absent first argument is the expected case here, not a missing fact.
        if (a[0]->op == Op::kPath) a[0]->record_missing = false;
        if (n->fn == Fn::kExists) {
          n->type = BoolType();
          AddCondition(n, name, a[0], nullptr);
        } else {
          const std::optional<Type> common = CommonType(a[0]->type, a[1]->type);
          if (!common) {
            return Error(a[1]->begin, "'coalesce' needs two values of one type, got " + TypeName(a[0]->type) +
                                          " and " + TypeName(a[1]->type));
          }
          n->type = *common;
        }
        break;
      case Fn::kIsSet:
        n->type = BoolType();
        AddCondition(n, name, a[0], nullptr);
        break;
      case Fn::kNow: n->type = Type::Scalar(Kind::kTime); break;
      case Fn::kToday: n->type = Type::Scalar(Kind::kDate); break;
      case Fn::kDate:
        if (a[0]->op == Op::kConst && a[0]->type.kind == Kind::kString) {
          const std::optional<int32_t> days = ParseDate(a[0]->value.as_string());
          if (!days) return Error(a[0]->begin, "bad date " + Span(a[0]) + " (expected YYYY-MM-DD)");
          return Fold(n, Value::Date(*days), Type::Scalar(Kind::kDate));
        }
        if (!ArgIs(n, 0, {Kind::kTime}, name, "a timestamp or a \"YYYY-MM-DD\" literal")) return nullptr;
        n->type = Type::Scalar(Kind::kDate);
        break;
      case Fn::kTimestamp: {
        if (a[0]->op != Op::kConst || a[0]->type.kind != Kind::kString) {
          return Error(a[0]->begin, "'timestamp' needs a string literal like \"2026-11-29T10:00:00Z\"");
        }
        const std::optional<int64_t> seconds = ParseTimestamp(a[0]->value.as_string());
        if (!seconds) {
          return Error(a[0]->begin, "bad timestamp " + Span(a[0]) + " (expected YYYY-MM-DDTHH:MM:SSZ)");
        }
        return Fold(n, Value::Time(*seconds), Type::Scalar(Kind::kTime));
      }
      case Fn::kDays:
      case Fn::kHours:
      case Fn::kMinutes:
        if (!ArgIs(n, 0, {Kind::kInt, Kind::kFloat, Kind::kDuration}, name, "a number or a duration")) {
          return nullptr;
        }
        if (a[0]->type.kind == Kind::kDuration) n->type = Type::Scalar(Kind::kInt);
        else if (IsNumeric(a[0]->type.kind)) n->type = Type::Scalar(Kind::kDuration);
        else n->type = AnyType();
        break;
      case Fn::kNone:
        break;
    }
    return failed_ ? nullptr : n;
  }

  Node* Fold(Node* n, Value v, Type type) {
    n->op = Op::kConst;
    n->fn = Fn::kNone;
    n->value = v;
    n->type = type;
    n->args.clear();
    n->depth = 1;
    return n;
  }

  std::string_view text_;
  const Schema& schema_;
  const CompileOptions& options_;
  Program* program_;
  std::vector<Condition>* conditions_;
  std::vector<std::string>* paths_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<LambdaBinding> scope_;         // innermost last
  std::vector<LambdaBinding> all_bindings_;  // every lambda, for path names
  bool failed_ = false;
  int error_offset_ = 0;
  std::string error_message_;
};

}  // namespace

std::string ClosestName(std::string_view name, const std::vector<std::string_view>& candidates) {
  if (name.size() > 64) return "";
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view c : candidates) {
    const size_t d = EditDistance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  const size_t limit = std::max<size_t>(2, name.size() / 3);
  if (best.empty() || best_distance > limit || best_distance >= name.size()) return "";
  return std::string(best);
}

void LocateError(std::string_view text, CompileError* error) {
  int line = 1;
  int column = 1;
  const int end = std::min<int>(error->offset, static_cast<int>(text.size()));
  for (int i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  error->line = line;
  error->column = column;
}

bool CompileProgram(std::string_view text, const Schema& schema, const CompileOptions& options,
                    Program* program, std::vector<Condition>* conditions,
                    std::vector<std::string>* paths, CompileError* error) {
  Compiler compiler(text, schema, options, program, conditions, paths);
  if (compiler.Run(error)) return true;
  LocateError(text, error);
  return false;
}

}  // namespace whyd::expr
