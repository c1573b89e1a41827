// Attachment facts; see attachment_facts.h.
#include "knowledge/attachment_facts.h"

namespace whyd {

StatusOr<const Record*> BuildCsvFacts(const TenantView&, std::string_view, int64_t, FactArena&) {
  return FailedPreconditionError("CSV attachments are not supported yet");
}

StatusOr<const Record*> BuildApiRequestFacts(const TenantView&, std::string_view, int64_t,
                                             FactArena&) {
  return FailedPreconditionError("API request attachments are not supported yet");
}

size_t EditDistance(std::string_view, std::string_view) { return 0; }
std::vector<std::string_view> ClosestAdminNames(const TenantView&, std::string_view, size_t) { return {}; }

}  // namespace whyd
