// DiagnosisBackend: the Backend (backend.h) that serves real answers: the
// knowledge store, the rulebook of the rule packs, and the ask pipeline.
//
// Triage (api.md "Triage") reuses the ask pipeline with the requester as the
// asker and the ticket's subject and body as the question, then derives the
// category (the FAQ's topic pack), the priority (blocking causes raise it),
// tags and a suggested reply addressed to the requester's role.
//
// Thread-safety: every method may be called from many threads. The rulebook is
// held as a shared_ptr swapped under a mutex, so Reload() never changes the
// rules under a request that already started.
#ifndef WHYD_SERVER_DIAGNOSIS_BACKEND_H_
#define WHYD_SERVER_DIAGNOSIS_BACKEND_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "knowledge/store.h"
#include "server/answerer.h"
#include "server/backend.h"
#include "server/rulebook.h"

namespace whyd {

class DiagnosisBackend : public Backend {
 public:
  // Called after every answered ask or triage, for the audit log and metrics.
  using AnswerObserver = std::function<void(const AnswerSummary&)>;

  DiagnosisBackend(Store& store, std::string rules_dir, std::shared_ptr<const Rulebook> rules,
                   bool demo, std::function<int64_t()> clock = nullptr);

  void set_observer(AnswerObserver observer) { observer_ = std::move(observer); }
  std::shared_ptr<const Rulebook> rulebook() const;

  Reply Ask(const AskRequest& request, const CallContext& ctx) override;
  Reply Triage(const std::string& tenant, const nlohmann::json& request, const CallContext& ctx) override;
  Reply PutSnapshot(const std::string& tenant, nlohmann::json snapshot, std::string_view text,
                    const CallContext& ctx) override;
  Reply ApplyRecords(const std::string& tenant, nlohmann::json records, std::string_view text,
                     const CallContext& ctx) override;
  Reply ListFaqs() override;
  Reply GetFaq(const std::string& id) override;
  Reply DemoUsers(const std::string& tenant, const CallContext& ctx) override;
  bool Ready(std::string* why) override;
  Reply Reload() override;

 private:
  Reply FromImport(const ImportResult& result);

  Store& store_;
  std::string rules_dir_;
  bool demo_;
  Answerer answerer_;
  AnswerObserver observer_;
  mutable std::mutex rules_mu_;
  std::shared_ptr<const Rulebook> rules_;  // guarded by rules_mu_
};

// The triage fields derived from an answer (exposed for tests).
struct TriageOutcome {
  std::string category;
  std::string priority;  // low | normal | high | urgent
  std::vector<std::string> tags;
  std::string suggested_reply;
};
TriageOutcome DeriveTriage(const nlohmann::json& answer, const FaqDef* faq,
                           const std::string& requester_name, const std::string& requester_role);

}  // namespace whyd

#endif  // WHYD_SERVER_DIAGNOSIS_BACKEND_H_
