// Template compilation and rendering; see template.h.
#include "engine/template.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "engine/expr_compiler.h"
#include "engine/time_util.h"

namespace whyd {

enum class Format : uint8_t {
  kNone, kDate, kDateTime, kClock, kDuration, kRelative, kPlural, kJoin, kList, kPossessive,
};

struct Template::Piece {
  std::string literal;               // text before the hole (or the whole piece)
  std::unique_ptr<Expression> hole;  // null for a trailing literal
  Format format = Format::kNone;
  std::string singular;              // plural:"word" or "person|people"
  std::string plural;
  std::string separator;             // join
  std::string field;                 // list:"field"
  int field_index = -1;              // resolved when the element type is known
};

namespace {

struct FormatInfo {
  const char* name;
  Format format;
  bool takes_argument;
};

constexpr FormatInfo kFormats[] = {
    {"date", Format::kDate, false},         {"datetime", Format::kDateTime, false},
    {"clock", Format::kClock, false},       {"duration", Format::kDuration, false},
    {"relative", Format::kRelative, false}, {"plural", Format::kPlural, true},
    {"join", Format::kJoin, true},          {"list", Format::kList, true},
    {"possessive", Format::kPossessive, false},
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The end of a quoted string starting at s[i] (the quote), or npos.
size_t SkipQuoted(std::string_view s, size_t i) {
  const char quote = s[i];
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == '\\') ++j;
    else if (s[j] == quote) return j + 1;
  }
  return std::string_view::npos;
}

std::string PluralOf(std::string_view word) {
  std::string w(word);
  auto ends_with = [&](std::string_view suffix) {
    return w.size() >= suffix.size() && std::string_view(w).substr(w.size() - suffix.size()) == suffix;
  };
  if (ends_with("s") || ends_with("x") || ends_with("z") || ends_with("ch") || ends_with("sh")) return w + "es";
  if (w.size() >= 2 && w.back() == 'y' && std::string_view("aeiou").find(w[w.size() - 2]) == std::string_view::npos) {
    return w.substr(0, w.size() - 1) + "ies";
  }
  return w + "s";
}

void AppendInt(int64_t n, std::string* out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), n);
  out->append(buf, r.ptr);
}

void AppendFloat(double d, std::string* out) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), d);
  out->append(buf, r.ptr);
}

// "in 12 minutes", "3 days ago", "now".
void AppendRelativeSeconds(int64_t delta, std::string* out) {
  if (delta > -60 && delta < 60) {
    out->append("now");
  } else if (delta > 0) {
    out->append("in ").append(FormatDurationHuman(delta));
  } else {
    out->append(FormatDurationHuman(delta)).append(" ago");
  }
}

void AppendRelativeDays(int64_t days, std::string* out) {
  if (days == 0) out->append("today");
  else if (days == 1) out->append("tomorrow");
  else if (days == -1) out->append("yesterday");
  else if (days > 0) out->append("in ").append(FormatDurationHuman(days * kSecondsPerDay));
  else out->append(FormatDurationHuman(-days * kSecondsPerDay)).append(" ago");
}

}  // namespace

void AppendValue(const Value& v, std::string* out) {
  switch (v.kind()) {
    case Kind::kAbsent: out->append("(unknown)"); return;
    case Kind::kNull: out->append("(none)"); return;
    case Kind::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case Kind::kInt: AppendInt(v.as_int(), out); return;
    case Kind::kFloat: AppendFloat(v.as_float(), out); return;
    case Kind::kString: out->append(v.as_string()); return;
    case Kind::kDate: out->append(FormatDateHuman(v.as_date())); return;
    case Kind::kTime: out->append(FormatTimestampHuman(v.as_time())); return;
    case Kind::kDuration: out->append(FormatDurationHuman(v.as_duration())); return;
    case Kind::kList: {
      bool first = true;
      for (const Value& item : *v.as_list()) {
        if (!first) out->append(", ");
        first = false;
        AppendValue(item, out);
      }
      return;
    }
    case Kind::kRecord: out->append("(record)"); return;
  }
}

Template::~Template() = default;

std::unique_ptr<Template> Template::Compile(std::string_view text, const Schema& schema,
                                            const CompileOptions& options) {
  std::unique_ptr<Template> t(new Template);
  t->text_ = std::string(text);
  auto fail = [&](size_t offset, std::string message) {
    t->error_.message = std::move(message);
    t->error_.offset = static_cast<int>(offset);
    expr::LocateError(t->text_, &t->error_);
    t->pieces_.clear();
    return std::move(t);
  };
  if (text.size() > options.max_length * 4) {
    return fail(options.max_length * 4, "template is longer than " + std::to_string(options.max_length * 4) + " bytes");
  }
  Piece current;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      current.literal += '{';
      i += 2;
      continue;
    }
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        current.literal += '}';
        i += 2;
        continue;
      }
      return fail(i, "unmatched '}' (write '}}' for a literal brace)");
    }
    if (c != '{') {
      current.literal += c;
      ++i;
      continue;
    }
    // A hole: find its closing brace, skipping quoted strings; remember the
    // last '|' outside quotes, which starts the format.
    const size_t open = i;
    size_t bar = std::string_view::npos;
    size_t close = std::string_view::npos;
    for (size_t j = i + 1; j < text.size();) {
      const char d = text[j];
      if (d == '"' || d == '\'') {
        const size_t after = SkipQuoted(text, j);
        if (after == std::string_view::npos) return fail(j, "unterminated string in '{...}'");
        j = after;
      } else if (d == '{') {
        return fail(j, "'{' inside '{...}' (write '{{' for a literal brace)");
      } else if (d == '}') {
        close = j;
        break;
      } else {
        if (d == '|') bar = j;
        ++j;
      }
    }
    if (close == std::string_view::npos) return fail(open, "unclosed '{' (write '{{' for a literal brace)");
    const size_t expr_begin = open + 1;
    const size_t expr_end = bar == std::string_view::npos ? close : bar;
    std::string_view expr_text = text.substr(expr_begin, expr_end - expr_begin);
    if (Trim(expr_text).empty()) return fail(open, "empty '{}' (write '{{' for a literal brace)");
    current.hole = Expression::Compile(expr_text, schema, options);
    if (!current.hole->ok()) {
      return fail(expr_begin + current.hole->error().offset, current.hole->error().message);
    }
    const Type type = current.hole->type();
    if (bar != std::string_view::npos) {
      // format := name [":" quoted-string]
      std::string_view spec = text.substr(bar + 1, close - bar - 1);
      const size_t spec_offset = bar + 1;
      size_t k = 0;
      while (k < spec.size() && IsSpace(spec[k])) ++k;
      const size_t name_begin = k;
      while (k < spec.size() && (std::isalpha(static_cast<unsigned char>(spec[k])) || spec[k] == '_')) ++k;
      const std::string name(spec.substr(name_begin, k - name_begin));
      const FormatInfo* info = nullptr;
      for (const FormatInfo& f : kFormats) {
        if (name == f.name) info = &f;
      }
      if (info == nullptr) {
        std::vector<std::string_view> names;
        for (const FormatInfo& f : kFormats) names.push_back(f.name);
        const std::string best = expr::ClosestName(name, names);
        return fail(spec_offset + name_begin, "unknown format '" + name + "'" +
                                                  (best.empty() ? "" : " (did you mean '" + best + "'?)"));
      }
      while (k < spec.size() && IsSpace(spec[k])) ++k;
      std::string argument;
      if (k < spec.size() && spec[k] == ':') {
        ++k;
        while (k < spec.size() && IsSpace(spec[k])) ++k;
        if (k >= spec.size() || (spec[k] != '"' && spec[k] != '\'')) {
          return fail(spec_offset + k, "the argument of '" + name + "' must be a quoted string");
        }
        const size_t end = SkipQuoted(spec, k);
        for (size_t q = k + 1; q + 1 < end; ++q) {
          if (spec[q] == '\\' && q + 2 < end) ++q;
          argument += spec[q];
        }
        k = end;
        while (k < spec.size() && IsSpace(spec[k])) ++k;
        if (!info->takes_argument) return fail(spec_offset + name_begin, "format '" + name + "' takes no argument");
      } else if (info->takes_argument) {
        return fail(spec_offset + name_begin, "format '" + name + "' needs an argument, e.g. " + name + ":\"...\"");
      }
      if (k != spec.size()) return fail(spec_offset + k, "unexpected text after the format");
      current.format = info->format;
      // Formats must fit the hole's static type ("any" is checked when rendering).
      auto type_is = [&](std::initializer_list<Kind> kinds) {
        if (type.kind == Kind::kAbsent || type.kind == Kind::kNull) return true;
        for (Kind kind : kinds) {
          if (type.kind == kind) return true;
        }
        return false;
      };
      bool fits = true;
      switch (info->format) {
        case Format::kDate: fits = type_is({Kind::kDate, Kind::kTime}); break;
        case Format::kDateTime:
        case Format::kClock: fits = type_is({Kind::kTime}); break;
        case Format::kDuration: fits = type_is({Kind::kDuration}); break;
        case Format::kRelative: fits = type_is({Kind::kTime, Kind::kDate}); break;
        case Format::kPlural: {
          fits = type_is({Kind::kInt, Kind::kList});
          const size_t split = argument.find('|');
          current.singular = argument.substr(0, split);
          current.plural = split == std::string::npos ? PluralOf(argument) : argument.substr(split + 1);
          if (Trim(current.singular).empty()) return fail(spec_offset + name_begin, "plural needs a word");
          break;
        }
        case Format::kJoin:
          fits = type_is({Kind::kList});
          current.separator = argument;
          break;
        case Format::kList:
          fits = type_is({Kind::kList}) && (type.kind != Kind::kList || type.element == Kind::kRecord ||
                                            type.element == Kind::kAbsent);
          current.field = argument;
          if (fits && type.kind == Kind::kList && type.record != nullptr) {
            current.field_index = type.record->FindField(argument);
            if (current.field_index < 0) {
              std::vector<std::string_view> names;
              for (int f = 0; f < type.record->field_count(); ++f) names.push_back(type.record->field(f).name);
              const std::string best = expr::ClosestName(argument, names);
              return fail(spec_offset + name_begin, "unknown field '" + argument + "' of " + type.record->name() +
                                                        (best.empty() ? "" : " (did you mean '" + best + "'?)"));
            }
          }
          break;
        case Format::kPossessive: fits = type_is({Kind::kString}); break;
        case Format::kNone: break;
      }
      if (!fits) {
        return fail(spec_offset + name_begin, "format '" + name + "' does not apply to " +
                                                  (type.kind == Kind::kBool ? "bool" : type.ToString()) + " '" +
                                                  std::string(Trim(expr_text)) + "'");
      }
    } else if (type.kind == Kind::kRecord) {
      return fail(expr_begin, "a record cannot be shown; name one of its fields (" +
                                  std::string(Trim(expr_text)) + ".<field>)");
    }
    for (const std::string& p : current.hole->paths()) {
      if (std::find(t->paths_.begin(), t->paths_.end(), p) == t->paths_.end()) t->paths_.push_back(p);
    }
    t->pieces_.push_back(std::move(current));
    current = Piece();
    i = close + 1;
  }
  if (!current.literal.empty()) t->pieces_.push_back(std::move(current));
  return t;
}

bool Template::constant() const {
  return ok() && std::none_of(pieces_.begin(), pieces_.end(), [](const Piece& p) { return p.hole != nullptr; });
}

void Template::Render(const EvalContext& ctx, std::string* out) const {
  if (!ok()) return;
  // A rendering is about as long as its template: grow the string once, not
  // once per doubling (an answer renders a dozen templates).
  out->reserve(out->size() + text_.size());
  for (const Piece& piece : pieces_) {
    out->append(piece.literal);
    if (!piece.hole) continue;
    const Value v = piece.hole->Evaluate(ctx);
    if (v.is_empty()) {
      AppendValue(v, out);
      continue;
    }
    switch (piece.format) {
      case Format::kNone: AppendValue(v, out); break;
      case Format::kDate:
        if (v.kind() == Kind::kTime) out->append(FormatDateHuman(DateOfTime(v.as_time())));
        else AppendValue(v, out);
        break;
      case Format::kDateTime: AppendValue(v, out); break;
      case Format::kClock:
        if (v.kind() == Kind::kTime) out->append(FormatClock(v.as_time()));
        else AppendValue(v, out);
        break;
      case Format::kDuration: AppendValue(v, out); break;
      case Format::kRelative:
        if (v.kind() == Kind::kTime) AppendRelativeSeconds(v.as_time() - ctx.now, out);
        else if (v.kind() == Kind::kDate) AppendRelativeDays(int64_t{v.as_date()} - DateOfTime(ctx.now), out);
        else AppendValue(v, out);
        break;
      case Format::kPlural: {
        int64_t n;
        if (v.kind() == Kind::kInt) n = v.as_int();
        else if (v.kind() == Kind::kList) n = v.as_list()->size;
        else { AppendValue(v, out); break; }
        AppendInt(n, out);
        out->append(" ").append(n == 1 ? piece.singular : piece.plural);
        break;
      }
      case Format::kJoin:
      case Format::kList: {
        if (v.kind() != Kind::kList) { AppendValue(v, out); break; }
        bool first = true;
        for (const Value& item : *v.as_list()) {
          if (!first) out->append(piece.format == Format::kJoin ? std::string_view(piece.separator) : ", ");
          first = false;
          if (piece.format == Format::kJoin || item.kind() != Kind::kRecord) {
            AppendValue(item, out);
            continue;
          }
          const Record* r = item.as_record();
          const int index = piece.field_index >= 0 ? piece.field_index : r->type->FindField(piece.field);
          AppendValue(index >= 0 && index < r->type->field_count() ? r->get(index) : Value(), out);
        }
        break;
      }
      case Format::kPossessive: {
        if (v.kind() != Kind::kString) { AppendValue(v, out); break; }
        const std::string_view s = v.as_string();
        out->append(s);
        out->append(!s.empty() && (s.back() == 's' || s.back() == 'S') ? "'" : "'s");
        break;
      }
    }
  }
}

}  // namespace whyd
