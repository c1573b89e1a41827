// Pack loading: rule-pack YAML files -> plain, validated definitions.
//
// LoadPacks reads one pack file, or every *.yaml under a directory
// (recursively, in sorted path order so that "file order" is stable), and
// checks the structure described in docs/rule-language.md ("A pack file"):
// required keys, key types, unknown keys (with a "did you mean"), duplicate
// pack/FAQ/rule/test ids, enumerations (subject, severity, actor), RE2
// patterns of `match:` data, and the size and nesting limits that keep hostile
// files from exhausting memory or stack. Every problem carries the file, line
// and column where it was written. yaml-cpp exceptions are caught here and
// never leave this file.
//
// The loader does not compile expressions: it keeps each expression and
// template as text together with where it was written (SourceText), so that
// the rule compiler (rule_set.h) and `whyd lint` can map an error at an offset
// inside an expression back to the YAML line and column.
//
// Thread-safety: Load may be called from any thread (it parses the files' YAML
// on two threads of its own, then reads them in order on the caller's); a
// loaded PackSet is immutable and may be shared read-only across threads.
#ifndef WHYD_ENGINE_PACK_LOADER_H_
#define WHYD_ENGINE_PACK_LOADER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/catalogue.h"
#include "engine/status.h"

namespace whyd {

// One problem found in a pack, printed as "file:line:col: error: message".
struct PackIssue {
  enum class Level { kError, kWarning };
  SourceLocation where;
  std::string message;
  Level level = Level::kError;
  std::string ToString() const;
};

// Text of an expression or template as written in a pack, with enough of its
// layout to map a byte offset inside the text back to the file.
struct SourceText {
  std::string text;
  SourceLocation where;  // of the YAML scalar
  // Where each line of the (possibly folded) text starts in the file: the
  // text offset it starts at, and its file line and column.
  struct Segment {
    int offset;
    int line;
    int column;
  };
  std::vector<Segment> segments;
  bool empty() const { return text.empty(); }
  // The file location of a byte offset inside `text`.
  SourceLocation At(int offset) const;
};

enum class Severity : uint8_t { kBlocking = 0, kWarning = 1, kInfo = 2 };
std::string_view SeverityName(Severity s);  // "blocking" ...

struct EvidenceDef {
  std::string fact;  // label shown in the answer ("user.failed_logins", "unlocks_in")
  SourceText value;  // expression; for the short form, the fact path itself
};

struct RemediationDef {
  std::string actor;  // learner | employer | admin | support
  SourceText step;    // template
};

struct RuleDef {
  std::string id;     // "login.account-locked"
  std::string faq;
  std::string cause;
  Severity severity = Severity::kBlocking;
  int order = 0;
  std::vector<std::string> suppresses;
  std::vector<SourceLocation> suppresses_where;
  SourceText when;
  SourceText explain;
  SourceText because;  // optional author override; empty when not given
  std::vector<EvidenceDef> evidence;
  std::vector<RemediationDef> remediation;
  std::string pack;
  int file_order = 0;  // position among all rules in load order
  SourceLocation where;
  // Locations of individual keys, for messages about them.
  SourceLocation faq_where, cause_where, severity_where;
};

struct PackTestDef {
  std::string name;
  std::string faq;
  std::string at_text;   // as written
  int64_t at = 0;        // unix seconds; 0 when `at` is missing
  bool has_facts = false;
  nlohmann::json facts;  // the `facts:` form: the root record
  bool has_state = false;
  nlohmann::json state;  // the `state:` form, with asker/subject/attachment below
  nlohmann::json asker;
  nlohmann::json subject;
  nlohmann::json attachment;
  std::vector<std::string> holds, not_holds, unknown;  // cause codes or rule ids
  std::map<std::string, std::string> explanation_contains;
  std::string pack;
  SourceLocation where;
  SourceLocation expect_where;
};

struct PackDef {
  std::string id;
  int version = 0;
  std::string description;
  std::string file;
  SourceLocation where;
};

struct LoadOptions {
  size_t max_file_bytes = 4u << 20;  // larger files are rejected before parsing
  int max_depth = 32;                // YAML nesting deeper than this is rejected
  size_t max_files = 10000;
};

// Everything the packs declare, after structural validation. Compile-once:
// check ok() (or errors()) before use; a PackSet with errors still holds
// whatever could be read, so that lint can report further problems.
class PackSet {
 public:
  static PackSet Load(const std::string& dir_or_file, const LoadOptions& options = {});
  // Loads one document given as text (tests, fuzzing); `file` names it in messages.
  static PackSet LoadText(const std::string& text, const std::string& file,
                          const LoadOptions& options = {});

  bool ok() const { return error_count_ == 0; }
  // Errors and warnings, in file order.
  const std::vector<PackIssue>& issues() const { return issues_; }
  std::vector<PackIssue> errors() const;
  const std::vector<std::string>& files() const { return files_; }

  const std::vector<PackDef>& packs() const { return packs_; }
  const std::vector<FaqDef>& faqs() const { return faqs_; }
  const std::vector<LexiconGroup>& lexicon() const { return lexicon_; }
  const std::vector<RuleDef>& rules() const { return rules_; }
  const std::vector<PackTestDef>& tests() const { return tests_; }
  const FaqDef* FindFaq(std::string_view id) const;

 private:
  friend class PackReader;
  void AddIssue(SourceLocation where, std::string message,
                PackIssue::Level level = PackIssue::Level::kError);
  void Finish();

  std::vector<PackIssue> issues_;
  int error_count_ = 0;
  std::vector<std::string> files_;
  std::vector<PackDef> packs_;
  std::vector<FaqDef> faqs_;
  std::vector<LexiconGroup> lexicon_;
  std::vector<RuleDef> rules_;
  std::vector<PackTestDef> tests_;
  // `match:` sections, merged into faqs_ by Finish().
  struct PendingMatch {
    std::string faq;
    FaqMatchData data;
    SourceLocation where;
  };
  std::vector<PendingMatch> pending_match_;
};

// Convenience for callers that only want a valid PackSet: the errors, one per
// line, become an InvalidArgument status.
StatusOr<PackSet> LoadPacks(const std::string& dir_or_file, const LoadOptions& options = {});

// The closest candidate within a small edit distance, or "" (for "did you mean").
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace whyd

#endif  // WHYD_ENGINE_PACK_LOADER_H_
