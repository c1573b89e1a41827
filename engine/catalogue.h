// The FAQ catalogue as loaded from rule packs: plain data, no behaviour.
//
// The pack loader (engine/pack_loader.h) fills these from the `faqs:`, `match:`
// and `lexicon:` sections of every pack; question matching (knowledge/) and the
// server read them. Kept separate from the compiled rules so that components
// that only need FAQ text do not depend on the rule compiler.
//
// Thread-safety: immutable after loading; safe to share.
#ifndef WHYD_ENGINE_CATALOGUE_H_
#define WHYD_ENGINE_CATALOGUE_H_

#include <string>
#include <vector>

namespace whyd {

// Where something was written: "rules/login.yaml:12:5".
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string ToString() const {
    if (line == 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

// Question-matching data an author declares for one FAQ.
struct FaqMatchData {
  std::vector<std::string> keywords;  // words and phrases typical of the FAQ
  std::vector<std::string> examples;  // example phrasings written by pack authors
  std::vector<std::string> patterns;  // RE2 patterns, e.g. pasted error messages
};

struct FaqDef {
  std::string id;       // stable id from shared/spec/faqs.yaml
  std::string title;
  std::string subject;  // user | user+user | tenant | csv | api_request | email
  std::string answer;   // markdown
  std::vector<std::string> needs;  // what to ask for when missing: subject, other_user, email, csv, api_request
  FaqMatchData match;
  std::string pack;     // id of the pack that declared it
  SourceLocation where;
};

// Words that mean the same thing to a user ("learner", "apprentice", "student").
// The first word is the canonical one.
struct LexiconGroup {
  std::vector<std::string> words;
  SourceLocation where;
};

}  // namespace whyd

#endif  // WHYD_ENGINE_CATALOGUE_H_
