// Text rendering of answers; see answer_text.h.
#include "server/answer_text.h"

namespace whyd {
namespace {

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Percent(double confidence) {
  return std::to_string(static_cast<int>(confidence * 100 + 0.5)) + "%";
}

}  // namespace

std::string RenderAnswerText(const nlohmann::json& answer) {
  std::string out;
  const nlohmann::json& faq = answer.value("faq", nlohmann::json());
  if (faq.is_null()) {
    out += "No FAQ matches this question well enough.\n";
  } else {
    out += "FAQ: " + Str(faq, "title") + " [" + Str(faq, "id") + ", " +
           Percent(faq.value("confidence", 0.0)) + "]\n";
  }
  if (auto alts = answer.find("alternatives"); alts != answer.end() && !alts->empty()) {
    out += "Did you mean:\n";
    for (const auto& a : *alts) out += "  - " + Str(a, "title") + " [" + Str(a, "id") + "]\n";
  }
  if (auto subject = answer.find("subject"); subject != answer.end() && subject->is_object()) {
    for (const char* role : {"user", "other_user"}) {
      if (auto u = subject->find(role); u != subject->end()) {
        out += std::string(role == std::string("user") ? "About: " : "And: ") + Str(*u, "display") +
               " (" + Str(*u, "type") + ", " + Str(*u, "id") + ")\n";
      }
    }
    if (auto e = subject->find("email"); e != subject->end()) out += "About the address: " + e->get<std::string>() + "\n";
  }
  if (auto needs = answer.find("needs"); needs != answer.end() && !needs->empty()) {
    out += "\nTo diagnose this I need: ";
    for (size_t i = 0; i < needs->size(); ++i) out += (i ? ", " : "") + (*needs)[i].get<std::string>();
    out += "\n";
  }
  const auto& findings = answer.value("findings", nlohmann::json::array());
  if (!findings.empty()) out += "\nWhat we found:\n";
  for (const auto& finding : findings) {
    out += "\n  [" + Str(finding, "severity") + "] " + Str(finding, "cause") + "\n";
    out += "  " + Str(finding, "explanation") + "\n";
    for (const auto& e : finding.value("evidence", nlohmann::json::array())) {
      out += "    evidence: " + Str(e, "fact") + " = " + e.value("value", nlohmann::json()).dump() + "\n";
    }
    for (const auto& r : finding.value("remediation", nlohmann::json::array())) {
      out += "    " + Str(r, "actor") + ": " + Str(r, "step") + "\n";
    }
  }
  const auto& checked = answer.value("checked", nlohmann::json::array());
  if (!checked.empty()) {
    out += "\nAlso checked, and not the cause:\n";
    for (const auto& c : checked) out += "  - " + Str(c, "cause") + ": " + Str(c, "because") + "\n";
  }
  const auto& unknown = answer.value("unknown", nlohmann::json::array());
  if (!unknown.empty()) {
    out += "\nCould not tell (facts missing):\n";
    for (const auto& u : unknown) {
      out += "  - " + Str(u, "cause") + ": missing " + u.value("missing", nlohmann::json::array()).dump() + "\n";
    }
  }
  std::string general = Str(answer, "answer");
  if (!general.empty()) out += "\nAbout this question:\n" + general + (general.back() == '\n' ? "" : "\n");
  return out;
}

}  // namespace whyd
