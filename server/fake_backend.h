// A Backend with canned answers, for tests of the HTTP layer and the page
// (`whyd serve --fake-backend`, hidden, tests only). It knows one tenant
// ("demo") with four users and three FAQs, and mimics the real pipeline's
// contract: visibility (403), unknown FAQ (404), validation errors (422),
// "did you mean" alternatives when a question is vague, reload failure.
//
// Thread-safety: all methods are safe to call concurrently.
#ifndef WHYD_SERVER_FAKE_BACKEND_H_
#define WHYD_SERVER_FAKE_BACKEND_H_

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "server/backend.h"

namespace whyd {

class FakeBackend : public Backend {
 public:
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

  // Test knobs.
  void set_ready(bool ready) { ready_ = ready; }
  void set_ask_delay_ms(int ms) { ask_delay_ms_ = ms; }
  // The next reloads fail with these errors (empty: reloads succeed).
  void set_reload_errors(std::vector<FieldError> errors);
  int generation() const { return generation_; }  // successful reloads + 1
  int triage_calls() const { return triage_calls_; }

 private:
  std::atomic<bool> ready_{true};
  std::atomic<int> ask_delay_ms_{0};
  std::atomic<int> generation_{1};
  std::atomic<int> triage_calls_{0};
  std::mutex mu_;
  std::vector<FieldError> reload_errors_;
};

}  // namespace whyd

#endif  // WHYD_SERVER_FAKE_BACKEND_H_
