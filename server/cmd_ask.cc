// `whyd ask`: asks one question from the command line, through the same
// pipeline as the HTTP API (server/answerer.h), and prints a readable answer
// or, with --json, the answer object of shared/spec/api.md.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/time_util.h"
#include "server/answer_text.h"
#include "server/answerer.h"
#include "server/command.h"
#include "server/rulebook.h"

namespace whyd {
namespace {

const char kUsage[] =
    "usage: whyd ask --db FILE --tenant T --as USER [--about USER] [--other USER]\n"
    "                [--email ADDRESS] [--csv FILE] [--api-request FILE] [--faq ID]\n"
    "                [--at TIME] [--rules DIR] [--json] \"question\"\n";

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

int RunAsk(const std::vector<std::string>& args) {
  std::string db, rules_dir = "rules", csv_path, api_path;
  AskRequest request;
  bool json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "whyd ask: %s needs a value\n%s", a.c_str(), kUsage);
        return false;
      }
      *out = args[++i];
      return true;
    };
    bool ok = true;
    if (a == "--help" || a == "-h") { std::fputs(kUsage, stdout); return 0; }
    else if (a == "--db") ok = value(&db);
    else if (a == "--rules") ok = value(&rules_dir);
    else if (a == "--tenant") ok = value(&request.tenant);
    else if (a == "--as") ok = value(&request.asker);
    else if (a == "--about") ok = value(&request.subject_user);
    else if (a == "--other") ok = value(&request.other_user);
    else if (a == "--email") ok = value(&request.subject_email);
    else if (a == "--faq") ok = value(&request.faq);
    else if (a == "--csv") ok = value(&csv_path);
    else if (a == "--api-request") ok = value(&api_path);
    else if (a == "--json") json = true;
    else if (a == "--at") {
      std::string t;
      ok = value(&t);
      if (ok) {
        request.as_of = ParseTimestamp(t);
        if (!request.as_of) {
          std::fprintf(stderr, "whyd ask: --at must be an ISO-8601 UTC timestamp (2026-11-29T10:00:00Z)\n");
          return 2;
        }
      }
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "whyd ask: unknown option %s\n%s", a.c_str(), kUsage);
      return 2;
    } else {
      request.question += (request.question.empty() ? "" : " ") + a;
    }
    if (!ok) return 2;
  }
  if (db.empty() || request.tenant.empty() || request.asker.empty()) {
    std::fprintf(stderr, "whyd ask: --db, --tenant and --as are required\n%s", kUsage);
    return 2;
  }
  if (request.question.empty() && request.faq.empty()) {
    std::fprintf(stderr, "whyd ask: give a question or --faq\n%s", kUsage);
    return 2;
  }
  if (!csv_path.empty()) {
    std::string text;
    if (!ReadFile(csv_path, &text)) { std::fprintf(stderr, "whyd ask: cannot read %s\n", csv_path.c_str()); return 2; }
    request.csv = std::move(text);
  }
  if (!api_path.empty()) {
    std::string text;
    if (!ReadFile(api_path, &text)) { std::fprintf(stderr, "whyd ask: cannot read %s\n", api_path.c_str()); return 2; }
    request.api_request = std::move(text);
  }

  auto store = Store::Open(db);
  if (!store.ok()) { std::fprintf(stderr, "whyd ask: %s\n", store.status().ToString().c_str()); return 2; }
  auto rulebook = Rulebook::Load(rules_dir);
  if (!rulebook.ok()) { std::fprintf(stderr, "whyd ask: %s\n", rulebook.status().ToString().c_str()); return 2; }
  Answerer answerer(**store);
  StatusOr<nlohmann::json> answer = answerer.Ask(**rulebook, request);
  if (!answer.ok()) {
    std::fprintf(stderr, "whyd ask: %s\n", answer.status().ToString().c_str());
    return answer.status().code() == StatusCode::kPermissionDenied ? 1 : 2;
  }
  if (json) {
    std::printf("%s\n", answer->dump(2).c_str());
  } else {
    std::fputs(RenderAnswerText(*answer).c_str(), stdout);
  }
  return 0;
}

}  // namespace

WHYD_COMMAND("ask", "ask a question from the command line", RunAsk);

}  // namespace whyd
