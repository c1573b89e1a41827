// Renders an answer object (api.md) as readable text for a terminal: the FAQ
// matched, one block per finding with its explanation, evidence and remediation,
// what else was checked, and the FAQ's general answer.
//
// Thread-safety: a pure function.
#ifndef WHYD_SERVER_ANSWER_TEXT_H_
#define WHYD_SERVER_ANSWER_TEXT_H_

#include <string>

#include <nlohmann/json.hpp>

namespace whyd {

std::string RenderAnswerText(const nlohmann::json& answer);

}  // namespace whyd

#endif  // WHYD_SERVER_ANSWER_TEXT_H_
