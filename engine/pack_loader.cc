// Reads and validates rule-pack YAML; see pack_loader.h.
//
// The only place that touches yaml-cpp for packs: every yaml-cpp exception is
// caught in ParseDocument and turned into a PackIssue with the file position.
#include "engine/pack_loader.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "engine/time_util.h"

namespace whyd {

std::string PackIssue::ToString() const {
  return where.ToString() + (level == Level::kError ? ": error: " : ": warning: ") + message;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kBlocking: return "blocking";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "blocking";
}

SourceLocation SourceText::At(int offset) const {
  if (segments.empty()) return where;
  const Segment* best = &segments.front();
  for (const Segment& s : segments) {
    if (s.offset <= offset) best = &s;
  }
  SourceLocation loc = where;
  loc.line = best->line;
  loc.column = best->column + std::max(0, offset - best->offset);
  return loc;
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

void PackSet::AddIssue(SourceLocation where, std::string message, PackIssue::Level level) {
  if (level == PackIssue::Level::kError) ++error_count_;
  issues_.push_back(PackIssue{std::move(where), std::move(message), level});
}

std::vector<PackIssue> PackSet::errors() const {
  std::vector<PackIssue> out;
  for (const PackIssue& i : issues_) {
    if (i.level == PackIssue::Level::kError) out.push_back(i);
  }
  return out;
}

const FaqDef* PackSet::FindFaq(std::string_view id) const {
  for (const FaqDef& f : faqs_) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// Reads one parsed document into a PackSet, reporting every problem it finds
// rather than stopping at the first.
class PackReader {
 public:
  PackReader(PackSet* set, std::string file, std::string_view raw, const LoadOptions& options)
      : set_(set), file_(std::move(file)), options_(options) {
    std::string line;
    std::istringstream in{std::string(raw)};
    while (std::getline(in, line)) lines_.push_back(line);
  }

  void Read(const YAML::Node& root) {
    if (!CheckShape(root, 0)) return;
    if (!root || root.IsNull()) {
      Error(root, "empty pack file: expected a mapping with `pack:` and `version:`");
      return;
    }
    if (!root.IsMap()) {
      Error(root, "a pack file must be a mapping with `pack:` and `version:`");
      return;
    }
    CheckKeys(root, {"pack", "version", "description", "faqs", "rules", "tests", "match", "lexicon"},
              {"pack", "version"}, "pack file");
    PackDef pack;
    pack.file = file_;
    pack.where = Where(root);
    if (auto id = String(root, "pack")) {
      pack.id = *id;
      if (!ValidId(pack.id, false)) {
        Error(root["pack"], "pack id '" + pack.id + "' must be lower-case letters, digits and '-'");
      }
    }
    if (YAML::Node v = root["version"]) {
      if (!v.IsScalar() || !IsInteger(v.Scalar())) {
        Error(v, "`version` must be an integer");
      } else {
        pack.version = std::stoi(v.Scalar());
      }
    }
    if (auto d = String(root, "description")) pack.description = *d;
    pack_id_ = pack.id;
    for (const PackDef& p : set_->packs_) {
      if (!pack.id.empty() && p.id == pack.id) {
        Error(root["pack"], "duplicate pack id '" + pack.id + "' (first declared at " + p.where.ToString() + ")");
      }
    }
    set_->packs_.push_back(pack);
    if (YAML::Node faqs = List(root, "faqs")) {
      for (const YAML::Node& f : faqs) ReadFaq(f);
    }
    if (YAML::Node rules = List(root, "rules")) {
      for (const YAML::Node& r : rules) ReadRule(r);
    }
    if (YAML::Node tests = List(root, "tests")) {
      for (const YAML::Node& t : tests) ReadTest(t);
    }
    if (YAML::Node match = root["match"]) {
      if (!match.IsMap()) {
        Error(match, "`match` must be a mapping from FAQ id to {keywords, examples, patterns}");
      } else {
        for (const auto& entry : match) {
          PackSet::PendingMatch pending;
          pending.faq = entry.first.Scalar();
          pending.where = Where(entry.first);
          if (ReadMatch(entry.second, &pending.data)) set_->pending_match_.push_back(std::move(pending));
        }
      }
    }
    if (YAML::Node lexicon = List(root, "lexicon")) {
      for (const YAML::Node& g : lexicon) {
        LexiconGroup group;
        group.where = Where(g);
        if (!StringList(g, &group.words, "a lexicon group")) continue;
        if (group.words.size() < 2) {
          Error(g, "a lexicon group needs at least two words that mean the same thing");
          continue;
        }
        set_->lexicon_.push_back(std::move(group));
      }
    }
  }

 private:
  SourceLocation Where(const YAML::Node& node) const {
    SourceLocation loc;
    loc.file = file_;
    if (node) {
      YAML::Mark m = node.Mark();
      if (m.line >= 0) {
        loc.line = m.line + 1;
        loc.column = m.column + 1;
      }
    }
    if (loc.line == 0) {  // an empty document has no mark: point at its start
      loc.line = 1;
      loc.column = 1;
    }
    return loc;
  }
  void Error(const YAML::Node& node, std::string message) { set_->AddIssue(Where(node), std::move(message)); }

  static bool IsInteger(const std::string& s) {
    if (s.empty() || s.size() > 9) return false;
    size_t i = (s[0] == '-') ? 1 : 0;
    if (i == s.size()) return false;
    return std::all_of(s.begin() + static_cast<long>(i), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  }

  static bool ValidId(const std::string& id, bool allow_dot) {
    if (id.empty()) return false;
    for (char c : id) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                (allow_dot && c == '.');
      if (!ok) return false;
    }
    return true;
  }

  // Rejects nesting deeper than the limit and alias bombs before anything
  // walks the tree recursively.
  bool CheckShape(const YAML::Node& node, int depth) {
    if (++nodes_seen_ > 1000000) {
      if (nodes_seen_ == 1000001) Error(node, "pack too large once aliases are expanded (over 1,000,000 nodes)");
      return false;
    }
    if (depth > options_.max_depth) {
      Error(node, "nesting deeper than " + std::to_string(options_.max_depth) + " levels");
      return false;
    }
    if (node.IsSequence()) {
      for (const YAML::Node& c : node) {
        if (!CheckShape(c, depth + 1)) return false;
      }
    } else if (node.IsMap()) {
      for (const auto& kv : node) {
        if (!CheckShape(kv.first, depth + 1) || !CheckShape(kv.second, depth + 1)) return false;
      }
    }
    return true;
  }

  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                 const std::vector<std::string>& required, const std::string& what) {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) {
        Error(kv.first, "keys of a " + what + " must be plain names");
        continue;
      }
      const std::string& key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        Error(kv.first, "duplicate key '" + key + "' in " + what);
      }
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string hint = ClosestName(key, allowed);
        std::string message = "unknown key '" + key + "' in " + what;
        if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
        Error(kv.first, message);
      }
    }
    for (const std::string& key : required) {
      if (!map[key]) Error(map, what + " is missing required key '" + key + "'");
    }
  }

  std::optional<std::string> String(const YAML::Node& map, const std::string& key) {
    YAML::Node v = map[key];
    if (!v) return std::nullopt;
    if (!v.IsScalar()) {
      Error(v, "`" + key + "` must be a string");
      return std::nullopt;
    }
    return v.Scalar();
  }

  YAML::Node List(const YAML::Node& map, const std::string& key) {
    YAML::Node v = map[key];
    if (!v || v.IsNull()) return YAML::Node();
    if (!v.IsSequence()) {
      Error(v, "`" + key + "` must be a list");
      return YAML::Node();
    }
    return v;
  }

  bool StringList(const YAML::Node& node, std::vector<std::string>* out, const std::string& what) {
    if (!node.IsSequence()) {
      Error(node, what + " must be a list of strings");
      return false;
    }
    bool ok = true;
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) {
        Error(item, what + " must be a list of strings");
        ok = false;
        continue;
      }
      out->push_back(item.Scalar());
    }
    return ok;
  }

  // The text of a scalar with the file positions of its lines.
  SourceText Text(const YAML::Node& node) {
    SourceText st;
    st.where = Where(node);
    if (!node || !node.IsScalar()) return st;
    st.text = node.Scalar();
    YAML::Mark m = node.Mark();
    if (m.line < 0 || static_cast<size_t>(m.line) >= lines_.size()) return st;
    const std::string& first = lines_[m.line];
    char c = static_cast<size_t>(m.column) < first.size() ? first[m.column] : ' ';
    size_t cursor = 0;
    int next_line = m.line;
    if (c == '|' || c == '>') {
      next_line = m.line + 1;  // block scalar: content starts on the next line
    } else {
      int column = m.column + ((c == '"' || c == '\'') ? 1 : 0);
      st.segments.push_back({0, m.line + 1, column + 1});
      size_t rest = first.size() - std::min(first.size(), static_cast<size_t>(column));
      cursor = std::min(st.text.size(), rest);
      next_line = m.line + 1;
    }
    // Later lines: find each line's content in the (folded) text in order.
    for (int line = next_line; line < static_cast<int>(lines_.size()) && cursor < st.text.size(); ++line) {
      const std::string& l = lines_[line];
      size_t start = l.find_first_not_of(' ');
      if (start == std::string::npos) continue;
      size_t end = l.find_last_not_of(" \r");
      std::string content = l.substr(start, end - start + 1);
      size_t found = st.text.find(content, cursor);
      if (found == std::string::npos || found > cursor + 2) break;
      st.segments.push_back({static_cast<int>(found), line + 1, static_cast<int>(start) + 1});
      cursor = found + content.size();
    }
    return st;
  }

  SourceText RequiredText(const YAML::Node& map, const std::string& key, const std::string& what) {
    YAML::Node v = map[key];
    if (!v) return SourceText{};
    if (!v.IsScalar()) {
      Error(v, "`" + key + "` of " + what + " must be a string");
      return SourceText{};
    }
    return Text(v);
  }

  bool ReadMatch(const YAML::Node& node, FaqMatchData* data) {
    if (!node.IsMap()) {
      Error(node, "match data must be a mapping with keywords, examples, patterns");
      return false;
    }
    CheckKeys(node, {"keywords", "examples", "patterns"}, {}, "match data");
    if (node["keywords"]) StringList(node["keywords"], &data->keywords, "`keywords`");
    if (node["examples"]) StringList(node["examples"], &data->examples, "`examples`");
    if (YAML::Node patterns = node["patterns"]) {
      StringList(patterns, &data->patterns, "`patterns`");
      if (patterns.IsSequence()) {
        for (const YAML::Node& p : patterns) {
          if (!p.IsScalar()) continue;
          RE2::Options re_options;
          re_options.set_log_errors(false);
          RE2 re(p.Scalar(), re_options);
          if (!re.ok()) Error(p, "bad regular expression '" + p.Scalar() + "': " + re.error());
        }
      }
    }
    return true;
  }

  void ReadFaq(const YAML::Node& node) {
    if (!node.IsMap()) {
      Error(node, "an FAQ must be a mapping with id, title, subject");
      return;
    }
    CheckKeys(node, {"id", "title", "subject", "needs", "answer", "match"}, {"id", "title", "subject"}, "FAQ");
    FaqDef faq;
    faq.pack = pack_id_;
    faq.where = Where(node);
    if (auto id = String(node, "id")) faq.id = *id;
    if (auto t = String(node, "title")) faq.title = *t;
    if (auto a = String(node, "answer")) faq.answer = *a;
    static const std::vector<std::string> kSubjects = {"user", "user+user", "tenant", "csv", "api_request", "email"};
    if (auto s = String(node, "subject")) {
      faq.subject = *s;
      if (std::find(kSubjects.begin(), kSubjects.end(), *s) == kSubjects.end()) {
        Error(node["subject"], "unknown subject '" + *s + "' (one of user, user+user, tenant, csv, api_request, email)");
      }
    }
    static const std::vector<std::string> kNeeds = {"subject", "other_user", "email", "csv", "api_request"};
    if (YAML::Node needs = node["needs"]) {
      if (StringList(needs, &faq.needs, "`needs`")) {
        int i = 0;
        for (const std::string& n : faq.needs) {
          if (std::find(kNeeds.begin(), kNeeds.end(), n) == kNeeds.end()) {
            Error(needs[i], "unknown need '" + n + "' (one of subject, other_user, email, csv, api_request)");
          }
          ++i;
        }
      }
    } else if (faq.subject == "user") {
      faq.needs = {"subject"};
    } else if (faq.subject == "user+user") {
      faq.needs = {"subject", "other_user"};
    } else if (faq.subject == "csv" || faq.subject == "api_request" || faq.subject == "email") {
      faq.needs = {faq.subject};
    }
    if (YAML::Node match = node["match"]) ReadMatch(match, &faq.match);
    if (const FaqDef* prior = set_->FindFaq(faq.id); prior && !faq.id.empty()) {
      Error(node["id"], "duplicate FAQ id '" + faq.id + "' (first declared at " + prior->where.ToString() + ")");
      return;
    }
    set_->faqs_.push_back(std::move(faq));
  }

  void ReadRule(const YAML::Node& node) {
    if (!node.IsMap()) {
      Error(node, "a rule must be a mapping with id, faq, cause, severity, when, explain");
      return;
    }
    CheckKeys(node,
              {"id", "faq", "cause", "severity", "order", "suppresses", "when", "explain", "because",
               "evidence", "remediation"},
              {"id", "faq", "cause", "severity", "when", "explain"}, "rule");
    RuleDef rule;
    rule.pack = pack_id_;
    rule.where = Where(node);
    if (auto id = String(node, "id")) {
      rule.id = *id;
      if (!pack_id_.empty() && rule.id.rfind(pack_id_ + ".", 0) != 0) {
        Error(node["id"], "rule id '" + rule.id + "' must start with its pack id: '" + pack_id_ + ".'");
      } else if (!ValidId(rule.id, true)) {
        Error(node["id"], "rule id '" + rule.id + "' must be lower-case letters, digits, '-', '_' and '.'");
      }
    }
    if (auto f = String(node, "faq")) rule.faq = *f;
    rule.faq_where = Where(node["faq"]);
    if (auto c = String(node, "cause")) rule.cause = *c;
    rule.cause_where = Where(node["cause"]);
    rule.severity_where = Where(node["severity"]);
    if (auto s = String(node, "severity")) {
      if (*s == "blocking") {
        rule.severity = Severity::kBlocking;
      } else if (*s == "warning") {
        rule.severity = Severity::kWarning;
      } else if (*s == "info") {
        rule.severity = Severity::kInfo;
      } else {
        std::string hint = ClosestName(*s, {"blocking", "warning", "info"});
        Error(node["severity"], "unknown severity '" + *s + "' (one of blocking, warning, info" +
                                    (hint.empty() ? ")" : "; did you mean '" + hint + "'?)"));
      }
    }
    if (YAML::Node order = node["order"]) {
      if (!order.IsScalar() || !IsInteger(order.Scalar())) {
        Error(order, "`order` must be an integer");
      } else {
        rule.order = std::stoi(order.Scalar());
      }
    }
    if (YAML::Node sup = node["suppresses"]) {
      if (StringList(sup, &rule.suppresses, "`suppresses`")) {
        for (const YAML::Node& s : sup) rule.suppresses_where.push_back(Where(s));
      }
    }
    rule.when = RequiredText(node, "when", "a rule");
    rule.explain = RequiredText(node, "explain", "a rule");
    rule.because = RequiredText(node, "because", "a rule");
    if (YAML::Node evidence = List(node, "evidence")) {
      for (const YAML::Node& e : evidence) {
        EvidenceDef def;
        if (e.IsScalar()) {
          def.fact = e.Scalar();
          def.value = Text(e);
        } else if (e.IsMap()) {
          CheckKeys(e, {"fact", "value"}, {"fact", "value"}, "evidence item");
          if (auto f = String(e, "fact")) def.fact = *f;
          def.value = RequiredText(e, "value", "an evidence item");
        } else {
          Error(e, "an evidence item is a fact path or {fact, value}");
          continue;
        }
        rule.evidence.push_back(std::move(def));
      }
    }
    static const std::vector<std::string> kActors = {"learner", "employer", "admin", "support"};
    if (YAML::Node rem = List(node, "remediation")) {
      for (const YAML::Node& r : rem) {
        if (!r.IsMap()) {
          Error(r, "a remediation step is a mapping {actor, step}");
          continue;
        }
        CheckKeys(r, {"actor", "step"}, {"actor", "step"}, "remediation step");
        RemediationDef def;
        if (auto a = String(r, "actor")) {
          def.actor = *a;
          if (std::find(kActors.begin(), kActors.end(), *a) == kActors.end()) {
            std::string hint = ClosestName(*a, kActors);
            Error(r["actor"], "unknown actor '" + *a + "' (one of learner, employer, admin, support" +
                                  (hint.empty() ? ")" : "; did you mean '" + hint + "'?)"));
          }
        }
        def.step = RequiredText(r, "step", "a remediation step");
        rule.remediation.push_back(std::move(def));
      }
    }
    for (const RuleDef& prior : set_->rules_) {
      if (!rule.id.empty() && prior.id == rule.id) {
        Error(node["id"], "duplicate rule id '" + rule.id + "' (first declared at " + prior.where.ToString() + ")");
        return;
      }
    }
    rule.file_order = static_cast<int>(set_->rules_.size());
    set_->rules_.push_back(std::move(rule));
  }

  // YAML -> JSON by the scalar's look: quoted scalars stay strings, plain ones
  // become null, booleans and numbers when they look like them.
  nlohmann::json ToJson(const YAML::Node& node) {
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar: {
        const std::string& s = node.Scalar();
        if (node.Tag() == "!") return s;
        if (s == "null" || s == "~" || s == "Null" || s == "NULL") return nullptr;
        if (s == "true" || s == "True" || s == "TRUE") return true;
        if (s == "false" || s == "False" || s == "FALSE") return false;
        if (!s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) {
          size_t used = 0;
          try {
            long long i = std::stoll(s, &used);
            if (used == s.size()) return i;
            double d = std::stod(s, &used);
            if (used == s.size()) return d;
          } catch (const std::exception&) {
          }
        }
        return s;
      }
      case YAML::NodeType::Sequence: {
        nlohmann::json out = nlohmann::json::array();
        for (const YAML::Node& c : node) out.push_back(ToJson(c));
        return out;
      }
      case YAML::NodeType::Map: {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& kv : node) out[kv.first.Scalar()] = ToJson(kv.second);
        return out;
      }
    }
    return nullptr;
  }

  void ReadTest(const YAML::Node& node) {
    if (!node.IsMap()) {
      Error(node, "a test must be a mapping with name, faq, at, facts or state, expect");
      return;
    }
    CheckKeys(node, {"name", "faq", "at", "facts", "state", "asker", "subject", "attachment", "expect"},
              {"name", "faq", "at", "expect"}, "test");
    PackTestDef test;
    test.pack = pack_id_;
    test.where = Where(node);
    if (auto n = String(node, "name")) test.name = *n;
    if (auto f = String(node, "faq")) test.faq = *f;
    if (auto at = String(node, "at")) {
      test.at_text = *at;
      if (auto t = ParseTimestamp(*at)) {
        test.at = *t;
      } else {
        Error(node["at"], "`at` must be a UTC timestamp like 2026-11-29T10:00:00Z, not '" + *at + "'");
      }
    }
    if (YAML::Node facts = node["facts"]) {
      if (!facts.IsMap()) {
        Error(facts, "`facts` must be a mapping (the root record)");
      } else {
        test.has_facts = true;
        test.facts = ToJson(facts);
      }
    }
    if (YAML::Node state = node["state"]) {
      if (!state.IsMap()) {
        Error(state, "`state` must be a mapping (an account-state snapshot)");
      } else {
        test.has_state = true;
        test.state = ToJson(state);
      }
    }
    if (node["asker"]) test.asker = ToJson(node["asker"]);
    if (node["subject"]) test.subject = ToJson(node["subject"]);
    if (node["attachment"]) test.attachment = ToJson(node["attachment"]);
    if (test.has_facts == test.has_state) {
      Error(node, "a test needs exactly one of `facts:` or `state:`");
    }
    if (YAML::Node expect = node["expect"]) {
      test.expect_where = Where(expect);
      if (!expect.IsMap()) {
        Error(expect, "`expect` must be a mapping with holds, not_holds, unknown, explanation_contains");
      } else {
        CheckKeys(expect, {"holds", "not_holds", "unknown", "explanation_contains"}, {}, "expect");
        if (expect["holds"]) StringList(expect["holds"], &test.holds, "`holds`");
        if (expect["not_holds"]) StringList(expect["not_holds"], &test.not_holds, "`not_holds`");
        if (expect["unknown"]) StringList(expect["unknown"], &test.unknown, "`unknown`");
        if (YAML::Node ec = expect["explanation_contains"]) {
          if (!ec.IsMap()) {
            Error(ec, "`explanation_contains` must map a cause to the text its explanation contains");
          } else {
            for (const auto& kv : ec) {
              if (!kv.second.IsScalar()) {
                Error(kv.second, "expected text for `explanation_contains`");
                continue;
              }
              test.explanation_contains[kv.first.Scalar()] = kv.second.Scalar();
            }
          }
        }
      }
    }
    for (const PackTestDef& prior : set_->tests_) {
      if (!test.name.empty() && prior.pack == test.pack && prior.name == test.name) {
        Error(node["name"], "duplicate test name '" + test.name + "' in pack '" + test.pack + "'");
        return;
      }
    }
    set_->tests_.push_back(std::move(test));
  }

  PackSet* set_;
  std::string file_;
  const LoadOptions& options_;
  std::vector<std::string> lines_;
  std::string pack_id_;
  size_t nodes_seen_ = 0;
};

namespace {

// A file's YAML tree, or where and why it could not be parsed.
struct ParsedYaml {
  YAML::Node root;
  bool ok = false;
  SourceLocation where;
  std::string error;
};

ParsedYaml ParseYaml(const std::string& file, const std::string& text) {
  ParsedYaml out;
  try {
    out.root = YAML::Load(text);
    out.ok = true;
  } catch (const YAML::ParserException& e) {
    out.where = SourceLocation{file, e.mark.line + 1, e.mark.column + 1};
    if (e.mark.line < 0) out.where = SourceLocation{file, 1, 1};
    out.error = "YAML syntax error: " + e.msg;
  } catch (const YAML::Exception& e) {
    out.where = SourceLocation{file, 1, 1};
    out.error = std::string("cannot parse YAML: ") + e.what();
  }
  return out;
}

void ReadDocument(PackReader* reader, const std::string& file, const ParsedYaml& parsed,
                  const std::function<void(SourceLocation, std::string)>& error) {
  if (!parsed.ok) {
    error(parsed.where, parsed.error);
    return;
  }
  try {
    reader->Read(parsed.root);
  } catch (const YAML::Exception& e) {
    error(SourceLocation{file, e.mark.line + 1, e.mark.column + 1}, std::string("cannot read pack: ") + e.msg);
  }
}

void ParseDocument(PackSet* set, PackReader* reader, const std::string& file, const std::string& text,
                   const std::function<void(SourceLocation, std::string)>& error) {
  (void)set;
  ReadDocument(reader, file, ParseYaml(file, text), error);
}

}  // namespace

void PackSet::Finish() {
  for (PendingMatch& m : pending_match_) {
    auto it = std::find_if(faqs_.begin(), faqs_.end(), [&](const FaqDef& f) { return f.id == m.faq; });
    if (it == faqs_.end()) {
      std::vector<std::string> ids;
      for (const FaqDef& f : faqs_) ids.push_back(f.id);
      std::string hint = ClosestName(m.faq, ids);
      AddIssue(m.where, "match data for unknown FAQ '" + m.faq + "'" +
                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      continue;
    }
    auto append = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
      to.insert(to.end(), from.begin(), from.end());
    };
    append(it->match.keywords, m.data.keywords);
    append(it->match.examples, m.data.examples);
    append(it->match.patterns, m.data.patterns);
  }
  pending_match_.clear();
}

PackSet PackSet::LoadText(const std::string& text, const std::string& file, const LoadOptions& options) {
  PackSet set;
  set.files_.push_back(file);
  if (text.size() > options.max_file_bytes) {
    set.AddIssue(SourceLocation{file, 1, 1}, "file is " + std::to_string(text.size()) + " bytes, over the limit of " +
                                                 std::to_string(options.max_file_bytes));
  } else {
    PackReader reader(&set, file, text, options);
    ParseDocument(&set, &reader, file, text, [&](SourceLocation w, std::string m) { set.AddIssue(w, std::move(m)); });
  }
  set.Finish();
  return set;
}

PackSet PackSet::Load(const std::string& dir_or_file, const LoadOptions& options) {
  namespace fs = std::filesystem;
  PackSet set;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(dir_or_file, ec)) {
    fs::recursive_directory_iterator it(dir_or_file, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".yaml") files.push_back(it->path());
      if (files.size() > options.max_files) break;
    }
    if (ec) {
      set.AddIssue(SourceLocation{dir_or_file, 0, 0}, "cannot read directory: " + ec.message());
    }
    std::sort(files.begin(), files.end());
    if (files.size() > options.max_files) {
      set.AddIssue(SourceLocation{dir_or_file, 0, 0}, "more than " + std::to_string(options.max_files) + " pack files");
      files.clear();
    }
  } else if (fs::is_regular_file(dir_or_file, ec)) {
    files.push_back(dir_or_file);
  } else {
    set.AddIssue(SourceLocation{dir_or_file, 0, 0}, "no such pack file or directory");
  }
  // Parsing YAML is most of the time to load (yaml-cpp is slow): parse the
  // files on two threads, then read them into the set in file order, so that
  // issues and definitions come out the same as from one thread.
  struct Source {
    std::string file, text;
    bool readable = false;
    ParsedYaml parsed;
  };
  std::vector<Source> sources;
  for (const fs::path& path : files) {
    Source& source = sources.emplace_back();
    source.file = path.string();
    set.files_.push_back(source.file);
    uintmax_t size = fs::file_size(path, ec);
    if (ec) {
      set.AddIssue(SourceLocation{source.file, 0, 0}, "cannot read: " + ec.message());
      continue;
    }
    if (size > options.max_file_bytes) {
      set.AddIssue(SourceLocation{source.file, 1, 1}, "file is " + std::to_string(size) + " bytes, over the limit of " +
                                                          std::to_string(options.max_file_bytes));
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    source.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      set.AddIssue(SourceLocation{source.file, 0, 0}, "cannot read file");
      continue;
    }
    source.readable = true;
  }
  auto parse_every_other = [&sources](size_t first) {
    for (size_t i = first; i < sources.size(); i += 2) {
      if (sources[i].readable) sources[i].parsed = ParseYaml(sources[i].file, sources[i].text);
    }
  };
  std::future<void> odd = std::async(std::launch::async, parse_every_other, size_t{1});
  parse_every_other(0);
  odd.get();
  for (Source& source : sources) {
    if (!source.readable) continue;
    PackReader reader(&set, source.file, source.text, options);
    ReadDocument(&reader, source.file, source.parsed,
                 [&](SourceLocation w, std::string m) { set.AddIssue(w, std::move(m)); });
  }
  set.Finish();
  return set;
}

StatusOr<PackSet> LoadPacks(const std::string& dir_or_file, const LoadOptions& options) {
  PackSet set = PackSet::Load(dir_or_file, options);
  if (set.ok()) return set;
  std::string message;
  for (const PackIssue& issue : set.errors()) {
    if (!message.empty()) message += "\n";
    message += issue.ToString();
  }
  return InvalidArgumentError(message);
}

}  // namespace whyd
