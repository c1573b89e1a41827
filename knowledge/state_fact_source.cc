// Facts for `state:` pack tests; see state_fact_source.h.
#include "knowledge/state_fact_source.h"

#include "knowledge/facts_gatherer.h"

namespace whyd {
namespace {

std::string Member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

StatusOr<const Record*> StoreStateFactSource::Facts(const PackTestDef& test, const FaqDef& faq,
                                                    FactArena& arena) {
  auto store = Store::Open(":memory:");
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  ImportResult imported = store_->ImportSnapshot(test.state.dump());
  if (!imported.ok()) {
    std::string message = "state: " + imported.status.message();
    for (const FieldError& e : imported.errors) message += "; " + e.path + ": " + e.reason;
    return InvalidArgumentError(message);
  }
  std::shared_ptr<const TenantView> view = store_->Tenant(imported.tenant_id);
  const std::string asker = test.asker.is_string() ? test.asker.get<std::string>() : "";
  const std::string user = Member(test.subject, "user");
  const std::string other = Member(test.subject, "other_user");
  const std::string email = Member(test.subject, "email");
  const std::string csv = Member(test.attachment, "csv");

  QuestionFacts question;
  FactRequest request;
  request.asker_id = asker;
  request.user_id = user;
  request.other_id = other;
  if (!email.empty()) request.email = email;
  if (!csv.empty()) request.csv = csv;
  if (test.attachment.is_object() && test.attachment.contains("api_request")) {
    request.api_request = test.attachment["api_request"].dump();
  }
  request.now = test.at;
  request.question = &question;
  request.want_stats = faq.subject == "tenant";
  // Facts borrow from the view, which the store keeps alive until the next call.
  return GatherFacts(*view, request, arena);
}

}  // namespace whyd
