// Mentions: the facts a question states about itself, for filling in the
// subject of a diagnosis: email addresses, whether the asker speaks of their
// own account, a period ("in the next 60 days"), and users named in it.
//
// Every function reads at most kMaxMentionBytes of the question, so hostile
// input costs no more than a long question; none can fail.
//
// Thread-safety: pure functions over patterns compiled once (function-local
// statics, initialised thread-safely) and per-thread scratch buffers; safe
// from any thread.
#ifndef WHYD_KNOWLEDGE_MENTIONS_H_
#define WHYD_KNOWLEDGE_MENTIONS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace whyd {

inline constexpr size_t kMaxMentionBytes = 8192;

// Email addresses in order of appearance, duplicates (ignoring case) removed,
// as written (trailing punctuation stripped).
std::vector<std::string> ExtractEmails(std::string_view question);

// The question uses the first person ("I", "me", "my", "I'm", "myself").
bool SpeaksOfAsker(std::string_view question);

// The question is about the asker's own account: "my account", "my login",
// "my password", "I can't log in", "locked me out", "I am locked out"...
bool AboutOwnAccount(std::string_view question);

// A stated period in days: "next 60 days" = 60, "2 weeks" = 14, "next
// month" = 30, "90 days" = 90, "a fortnight" = 14. nullopt when none is stated
// (the caller applies its default). Only the first period counts.
std::optional<int> StatedPeriodDays(std::string_view question);

struct UserName {
  std::string user_id;
  std::string display_name;
};

// `text` as names are compared: lower case, every run of other characters
// (apart from apostrophes, which join, and a possessive "'s", which ends a
// word) one space, with a space at each end: " jamie smith ". A name appears
// in a question when its NameWords is a substring of the question's.
std::string NameWords(std::string_view text);

// NameWords(text) written into *out (replacing its contents), so that a
// reused buffer needs no allocation.
void NameWordsInto(std::string_view text, std::string* out);

// Ids of the candidates whose display name appears in the question as whole
// words, ignoring case and runs of spaces; all matches, in candidate order.
// The caller decides what to do with zero or several.
std::vector<std::string> FindNamedUsers(std::string_view question,
                                        const std::vector<UserName>& candidates);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_MENTIONS_H_
