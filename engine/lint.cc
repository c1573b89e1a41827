// Pack lint checks beyond loading and compiling; see lint.h.
#include "engine/lint.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace whyd {

StatusOr<CauseCatalogue> LoadCauseCatalogue(const std::string& path) {
  CauseCatalogue catalogue;
  catalogue.file = path;
  try {
    YAML::Node root = YAML::LoadFile(path);
    if (!root.IsMap()) return InvalidArgumentError(path + ": the cause catalogue must be a mapping of FAQ ids");
    for (const auto& faq : root) {
      YAML::Node causes = faq.second["causes"];
      auto& entry = catalogue.faqs[faq.first.as<std::string>()];
      if (!causes || !causes.IsMap()) continue;
      for (const auto& cause : causes) {
        CauseCatalogue::Cause c;
        if (cause.second.IsMap() && cause.second["severity"]) c.severity = cause.second["severity"].as<std::string>();
        entry[cause.first.as<std::string>()] = c;
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(path + ": " + e.what());
  }
  return catalogue;
}

std::string FindCauseCatalogue(const std::string& pack_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::absolute(pack_dir, ec);
  if (ec) return "";
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    for (const char* rel : {"shared/spec/causes.yaml", "../shared/spec/causes.yaml"}) {
      fs::path candidate = p / rel;
      if (fs::is_regular_file(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
    }
    if (p == p.parent_path()) break;
  }
  return "";
}

namespace {

// Splits at top-level `and` (outside brackets and quotes); returns nothing
// when a top-level `or` makes the conjuncts alternatives.
std::vector<std::string> TopLevelConjuncts(const std::string& text) {
  std::vector<std::string> parts;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  auto word_at = [&](size_t i, std::string_view w) {
    if (text.compare(i, w.size(), w) != 0) return false;
    bool before = i == 0 || text[i - 1] == ' ' || text[i - 1] == '\n' || text[i - 1] == ')';
    size_t end = i + w.size();
    bool after = end >= text.size() || text[end] == ' ' || text[end] == '\n' || text[end] == '(';
    return before && after;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (depth == 0 && word_at(i, "or")) {
      return {};
    } else if (depth == 0 && word_at(i, "and")) {
      parts.push_back(text.substr(start, i - start));
      start = i + 3;
    }
  }
  parts.push_back(text.substr(start));
  for (std::string& p : parts) {
    size_t b = p.find_first_not_of(" \n");
    size_t e = p.find_last_not_of(" \n");
    p = b == std::string::npos ? "" : p.substr(b, e - b + 1);
  }
  return parts;
}

bool IsSimpleLiteral(const std::string& s) {
  if (s.empty()) return false;
  if ((s.front() == '"' || s.front() == '\'') && s.back() == s.front() && s.size() >= 2) return true;
  if (s == "true" || s == "false" || s == "null") return true;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '.'; });
}

std::string Unquote(const std::string& s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'')) return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

std::vector<std::string> FindContradictions(const std::string& text) {
  struct Test {
    std::string path, op, literal;
  };
  std::vector<Test> tests;
  for (const std::string& part : TopLevelConjuncts(text)) {
    for (const char* op : {"==", "!="}) {
      size_t at = part.find(op);
      if (at == std::string::npos) continue;
      std::string lhs = part.substr(0, at), rhs = part.substr(at + 2);
      auto trim = [](std::string s) {
        size_t b = s.find_first_not_of(' ');
        size_t e = s.find_last_not_of(' ');
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
      };
      lhs = trim(lhs);
      rhs = trim(rhs);
      if (lhs.find_first_of(" ()[]") != std::string::npos || !IsSimpleLiteral(rhs)) continue;
      tests.push_back({lhs, op, Unquote(rhs)});
      break;
    }
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < tests.size(); ++i) {
    for (size_t j = i + 1; j < tests.size(); ++j) {
      const Test& a = tests[i];
      const Test& b = tests[j];
      if (a.path != b.path) continue;
      if (a.op == "==" && b.op == "==" && a.literal != b.literal) {
        out.push_back("contradictory conditions: `" + a.path + "` cannot be both " + a.literal + " and " + b.literal);
      } else if (a.op != b.op && a.literal == b.literal) {
        out.push_back("contradictory conditions: `" + a.path + "` cannot be both equal and unequal to " + a.literal);
      }
    }
  }
  return out;
}

std::vector<PackIssue> LintPacks(const RuleSet& rules, const CauseCatalogue* causes) {
  std::vector<PackIssue> issues = rules.issues();
  auto add = [&](SourceLocation where, std::string message, PackIssue::Level level = PackIssue::Level::kError) {
    issues.push_back(PackIssue{std::move(where), std::move(message), level});
  };
  const PackSet& packs = rules.packs();
  for (const FaqRules& faq : rules.faqs()) {
    if (faq.rules.empty()) {
      add(faq.faq->where, "FAQ '" + faq.faq->id + "' has no rules", PackIssue::Level::kWarning);
    }
    for (const CompiledRule& rule : faq.rules) {
      for (const std::string& message : FindContradictions(rule.def->when.text)) add(rule.def->when.where, message);
    }
  }
  if (causes != nullptr) {
    for (const FaqDef& faq : packs.faqs()) {
      auto it = causes->faqs.find(faq.id);
      if (it == causes->faqs.end()) {
        add(faq.where, "FAQ '" + faq.id + "' is not in the cause catalogue " + causes->file, PackIssue::Level::kWarning);
        continue;
      }
      const FaqRules* compiled = rules.FindFaq(faq.id);
      std::set<std::string> reported;
      if (compiled != nullptr) {
        for (const CompiledRule& rule : compiled->rules) reported.insert(rule.def->cause);
      }
      for (const auto& [code, cause] : it->second) {
        if (reported.count(code) == 0) {
          add(faq.where, "cause '" + code + "' of FAQ '" + faq.id + "' has no rule", PackIssue::Level::kWarning);
        }
      }
    }
    for (const RuleDef& rule : packs.rules()) {
      auto it = causes->faqs.find(rule.faq);
      if (it == causes->faqs.end()) continue;
      auto cause = it->second.find(rule.cause);
      if (cause == it->second.end()) {
        std::vector<std::string> codes;
        for (const auto& [code, c] : it->second) codes.push_back(code);
        std::string hint = ClosestName(rule.cause, codes);
        add(rule.cause_where, "cause '" + rule.cause + "' is not a cause of FAQ '" + rule.faq + "' in " + causes->file +
                                  (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      } else if (!cause->second.severity.empty() && cause->second.severity != SeverityName(rule.severity)) {
        add(rule.severity_where, "severity " + std::string(SeverityName(rule.severity)) + " differs from the catalogue's " +
                                     cause->second.severity + " for cause '" + rule.cause + "'",
            PackIssue::Level::kWarning);
      }
    }
  }
  for (const PackTestDef& test : packs.tests()) {
    const FaqRules* faq = rules.FindFaq(test.faq);
    if (faq == nullptr) {
      add(test.where, "test '" + test.name + "' names unknown FAQ '" + test.faq + "'");
      continue;
    }
    auto known = [&](const std::string& name) {
      return std::any_of(faq->rules.begin(), faq->rules.end(),
                         [&](const CompiledRule& r) { return r.def->cause == name || r.def->id == name; });
    };
    std::vector<std::string> names = test.holds;
    names.insert(names.end(), test.not_holds.begin(), test.not_holds.end());
    names.insert(names.end(), test.unknown.begin(), test.unknown.end());
    for (const auto& [name, text] : test.explanation_contains) names.push_back(name);
    for (const std::string& name : names) {
      if (!known(name)) add(test.expect_where, "test '" + test.name + "' expects '" + name + "', which no rule of FAQ '" + test.faq + "' reports");
    }
  }
  std::stable_sort(issues.begin(), issues.end(), [](const PackIssue& a, const PackIssue& b) {
    if (a.level != b.level) return a.level == PackIssue::Level::kError;
    if (a.where.file != b.where.file) return a.where.file < b.where.file;
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  });
  return issues;
}

}  // namespace whyd
