// Canned answers for tests; see fake_backend.h. Nothing here is diagnosis: the
// answers are fixed per FAQ and user.
#include "server/fake_backend.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace whyd {
namespace {

struct FakeUser {
  const char* id;
  const char* display;
  const char* type;
  const char* email;
};

constexpr FakeUser kUsers[] = {
    {"u-1", "Jamie Smith", "learner", "jamie.smith@example.org"},
    {"u-2", "Priya Patel", "employer", "priya.patel@example.org"},
    {"u-3", "Sam Okafor", "admin", "sam.okafor@example.org"},
    {"u-4", "Alex Jones", "learner", "alex.jones@example.org"},
};

struct FakeFaq {
  const char* id;
  const char* title;
  const char* answer;
  std::vector<const char*> causes;
};

const std::vector<FakeFaq>& Faqs() {
  static const std::vector<FakeFaq> faqs = {
      {"learner-cannot-log-in", "Why can't a learner log in?",
       "A learner cannot sign in when their account is **not active** or is locked.\n\n"
       "Check, in order:\n\n- the account status\n- whether the account is locked\n- the password age\n\n"
       "See [the sign-in guide](https://example.org/help/sign-in) for details.",
       {"account_locked", "mfa_failures", "status_expired"}},
      {"account-locked", "Why is an account locked?",
       "An account locks after too many failed sign-ins and unlocks by itself after a while.",
       {"account_locked", "lock_lifted", "not_locked"}},
      {"activation-email-not-received", "Why did the activation email not arrive?",
       "Activation emails can bounce, be blocked, or land in the junk folder.",
       {"email_bounced", "email_delivered"}},
  };
  return faqs;
}

const FakeUser* FindUser(const std::string& id_or_email) {
  for (const FakeUser& u : kUsers) {
    if (id_or_email == u.id || id_or_email == u.email) return &u;
  }
  return nullptr;
}

const FakeFaq* FindFaq(const std::string& id) {
  for (const FakeFaq& f : Faqs()) {
    if (id == f.id) return &f;
  }
  return nullptr;
}

// Learners see themselves; the employer sees Jamie too; the admin sees all.
bool MaySee(const FakeUser& asker, const FakeUser& subject) {
  if (std::string(asker.id) == subject.id) return true;
  if (std::string(asker.type) == "admin") return true;
  return std::string(asker.type) == "employer" && std::string(subject.id) == "u-1";
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

nlohmann::json FaqRef(const FakeFaq& f, double confidence) {
  return {{"id", f.id}, {"title", f.title}, {"confidence", confidence}};
}

nlohmann::json Findings(const FakeFaq& faq, const FakeUser& subject) {
  const std::string name = subject.display;
  nlohmann::json findings = nlohmann::json::array();
  const std::string id = faq.id;
  if (id == "learner-cannot-log-in" || id == "account-locked") {
    findings.push_back(
        {{"rule", "login.account-locked"},
         {"cause", "account_locked"},
         {"severity", "blocking"},
         {"explanation", name + "'s account has been locked since 28 Nov 2026 14:02 after 5 failed sign-ins; it unlocks at 14:32."},
         {"evidence", {{{"fact", "user.failed_logins"}, {"value", 5}},
                       {{"fact", "tenant.settings.lockout_threshold"}, {"value", 5}}}},
         {"remediation", {{{"actor", "admin"}, {"step", "Unlock the account from the user's profile."}},
                          {{"actor", "learner"}, {"step", "Wait until 14:32, then sign in with the right password."}},
                          {{"actor", "employer"}, {"step", "Ask an administrator to unlock the account."}}}}});
  }
  if (id == "learner-cannot-log-in") {
    findings.push_back(
        {{"rule", "login.mfa-failures"},
         {"cause", "mfa_failures"},
         {"severity", "warning"},
         {"explanation", "Two of the last five sign-ins failed the second factor <check>."},
         {"evidence", {{{"fact", "user.recent_logins.mfa_failed"}, {"value", 2}}}},
         {"remediation", {{{"actor", "learner"}, {"step", "Check the clock of the authenticator app."}}}}});
  }
  if (id == "activation-email-not-received") {
    findings.push_back({{"rule", "emails.bounced"},
                        {"cause", "email_bounced"},
                        {"severity", "blocking"},
                        {"explanation", "The newest activation email to " + std::string(subject.email) + " bounced."},
                        {"evidence", {{{"fact", "user.newest_activation_email.status"}, {"value", "bounced"}}}},
                        {"remediation", {{{"actor", "admin"}, {"step", "Correct the email address and resend."}}}}});
  }
  return findings;
}

}  // namespace

Reply FakeBackend::Ask(const AskRequest& request, const CallContext&) {
  if (int delay = ask_delay_ms_; delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  if (request.tenant != "demo") return Reply::Fail(PermissionDeniedError("unknown tenant"));
  const FakeUser* asker = FindUser(request.asker);
  if (asker == nullptr) return Reply::Fail(PermissionDeniedError("unknown asker"));

  const FakeFaq* faq = nullptr;
  double confidence = 1.0;
  nlohmann::json alternatives = nlohmann::json::array();
  const std::string question = Lower(request.question);
  if (!request.faq.empty()) {
    faq = FindFaq(request.faq);
    if (faq == nullptr) {
      return Reply::Fail(NotFoundError("unknown FAQ id"), {{"/faq", "no FAQ has this id"}});
    }
  } else if (question.find("lock") != std::string::npos) {
    faq = FindFaq("account-locked");
    confidence = 0.88;
  } else if (question.find("log in") != std::string::npos || question.find("sign in") != std::string::npos) {
    faq = FindFaq("learner-cannot-log-in");
    confidence = 0.93;
  } else if (question.find("email") != std::string::npos) {
    faq = FindFaq("activation-email-not-received");
    confidence = 0.9;
  } else {
    // Vague: a weak best guess and alternatives for "did you mean".
    faq = FindFaq("learner-cannot-log-in");
    confidence = 0.42;
    alternatives.push_back(FaqRef(*FindFaq("account-locked"), 0.38));
    alternatives.push_back(FaqRef(*FindFaq("activation-email-not-received"), 0.31));
  }

  const FakeUser* subject = nullptr;
  if (!request.subject_user.empty()) {
    subject = FindUser(request.subject_user);
    if (subject == nullptr || !MaySee(*asker, *subject)) {
      return Reply::Fail(PermissionDeniedError("subject not visible"));
    }
  } else {
    for (const FakeUser& u : kUsers) {
      const std::string first = Lower(std::string(u.display).substr(0, std::string(u.display).find(' ')));
      if (question.find(first) != std::string::npos && MaySee(*asker, u)) subject = &u;
    }
    if (subject == nullptr && std::string(asker->type) == "learner") subject = asker;
  }

  nlohmann::json answer = {{"faq", FaqRef(*faq, confidence)},
                           {"alternatives", alternatives},
                           {"answer", faq->answer},
                           {"needs", nlohmann::json::array()},
                           {"findings", nlohmann::json::array()},
                           {"checked", nlohmann::json::array()}};
  if (subject == nullptr) {
    answer["subject"] = nullptr;
    answer["needs"].push_back("subject");
    return Reply::Ok(std::move(answer));
  }
  answer["subject"] = {{"user", {{"id", subject->id}, {"display", subject->display}, {"type", subject->type}}}};
  answer["findings"] = Findings(*faq, *subject);
  answer["checked"].push_back({{"rule", "login.status-expired"},
                               {"cause", "status_expired"},
                               {"because", "subscription_end 2027-09-01 is after today"}});
  return Reply::Ok(std::move(answer));
}

Reply FakeBackend::Triage(const std::string& tenant, const nlohmann::json& request, const CallContext& ctx) {
  ++triage_calls_;
  AskRequest ask;
  ask.tenant = tenant;
  ask.asker = request["requester"].get<std::string>();
  ask.question = request.value("subject", "") + "\n" + request["body"].get<std::string>();
  Reply reply = Ask(ask, ctx);
  if (!reply.ok()) return reply;
  reply.body["category"] = "sign-in";
  reply.body["priority"] = reply.body["findings"].empty() ? "normal" : "high";
  reply.body["tags"] = {"fake"};
  reply.body["suggested_reply"] = "Hello, thank you for your message.";
  return reply;
}

Reply FakeBackend::PutSnapshot(const std::string& tenant, nlohmann::json snapshot, std::string_view,
                               const CallContext&) {
  if (tenant != "demo") return Reply::Fail(PermissionDeniedError("unknown tenant"));
  std::vector<FieldError> errors;
  nlohmann::json counts = nlohmann::json::object();
  for (auto it = snapshot.begin(); it != snapshot.end(); ++it) {
    if (!it->is_array()) {
      errors.push_back({"/" + it.key(), "must be an array of records"});
      continue;
    }
    counts[it.key()] = it->size();
  }
  if (!errors.empty()) return Reply::Fail(InvalidArgumentError("the snapshot is invalid"), errors);
  return Reply::Ok(counts);
}

Reply FakeBackend::ApplyRecords(const std::string& tenant, nlohmann::json records, std::string_view,
                                const CallContext& ctx) {
  if (tenant != "demo") return Reply::Fail(PermissionDeniedError("unknown tenant"));
  nlohmann::json counts = {{"upserted", 0}, {"deleted", 0}};
  if (records.contains("upsert")) {
    Reply upserted = PutSnapshot(tenant, records["upsert"], {}, ctx);
    if (!upserted.ok()) {
      for (auto& e : upserted.errors) e.path = "/upsert" + e.path;
      return upserted;
    }
    for (const auto& [kind, n] : upserted.body.items()) counts["upserted"] = counts["upserted"].get<int>() + n.get<int>();
  }
  if (records.contains("delete")) {
    for (const auto& [kind, ids] : records["delete"].items()) {
      if (ids.is_array()) counts["deleted"] = counts["deleted"].get<int>() + static_cast<int>(ids.size());
    }
  }
  return Reply::Ok(counts);
}

Reply FakeBackend::ListFaqs() {
  nlohmann::json list = nlohmann::json::array();
  for (const FakeFaq& f : Faqs()) {
    list.push_back({{"id", f.id}, {"title", f.title}, {"subject", "user"}, {"causes", f.causes}});
  }
  return Reply::Ok({{"faqs", list}});
}

Reply FakeBackend::GetFaq(const std::string& id) {
  const FakeFaq* f = FindFaq(id);
  if (f == nullptr) return Reply::Fail(NotFoundError("no FAQ has the id '" + id + "'"));
  return Reply::Ok({{"id", f->id}, {"title", f->title}, {"subject", "user"}, {"answer", f->answer}, {"causes", f->causes}});
}

Reply FakeBackend::DemoUsers(const std::string& tenant, const CallContext&) {
  if (tenant != "demo") return Reply::Fail(NotFoundError("no demo data for this tenant"));
  nlohmann::json users = nlohmann::json::array();
  for (const FakeUser& u : kUsers) users.push_back({{"id", u.id}, {"display", u.display}, {"type", u.type}});
  // An id that exists nowhere, so that the page can show the 403 a stranger gets.
  users.push_back({{"id", "u-999"}, {"display", "Someone unknown"}, {"type", "unknown"}});
  return Reply::Ok({{"users", users}});
}

bool FakeBackend::Ready(std::string* why) {
  if (!ready_) *why = "rules not loaded";
  return ready_;
}

void FakeBackend::set_reload_errors(std::vector<FieldError> errors) {
  std::lock_guard<std::mutex> lock(mu_);
  reload_errors_ = std::move(errors);
}

Reply FakeBackend::Reload() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!reload_errors_.empty()) {
    return Reply::Fail(InvalidArgumentError("the rule packs did not compile"),
                       reload_errors_);
  }
  const int generation = ++generation_;
  return Reply::Ok({{"faqs", Faqs().size()}, {"generation", generation}});
}

}  // namespace whyd
