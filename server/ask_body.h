// ParsePlainAskBody: the fast way from the bytes of an ask body to an
// AskRequest, for the HTTP ask route, without building a JSON tree.
//
// The ordinary ask is a small, flat object of strings; building an nlohmann
// tree for it, checking its shape (CheckAskRequest) and converting it
// (ParseCheckedAskRequest) cost about a sixth of a whole answer's CPU. This
// reads the same bytes once and writes the fields straight into the request.
//
// It is a shortcut, never a second opinion: it accepts only a body it fully
// understands and that the tree path would accept without a single error, and
// then gives exactly the AskRequest that path gives. That is a JSON object
// (JSON whitespace around tokens, nothing after it), with no duplicate keys,
// holding only the keys of api.md with their types (strings; `subject` an
// object of strings; `attachment` an object with a `csv` string), every string
// valid UTF-8 as nlohmann 3.11 judges it and its escapes decoded as nlohmann
// decodes them, and passing every check of CheckAskRequest and
// ParseCheckedAskRequest (a non-empty asker, a question or faq, lengths, a
// question that is not blank, an `as_of` that parses). Anything else, valid
// or not (an `api_request` attachment, a byte order mark, a number where a
// string belongs, a bad timestamp, malformed JSON), gives nullopt, and the
// caller takes the tree path, which writes the error or reads the odd form.
//
// `tenant` is left empty, as ParseAskRequest leaves it.
//
// Thread-safety: a pure function.
#ifndef WHYD_SERVER_ASK_BODY_H_
#define WHYD_SERVER_ASK_BODY_H_

#include <optional>
#include <string_view>

#include "server/ask_request.h"

namespace whyd {

std::optional<AskRequest> ParsePlainAskBody(std::string_view body);

}  // namespace whyd

#endif  // WHYD_SERVER_ASK_BODY_H_
