// The real backend; see diagnosis_backend.h.
#include "server/diagnosis_backend.h"

#include "knowledge/account_schema.h"
#include "knowledge/visibility.h"

namespace whyd {
namespace {

nlohmann::json CountsJson(const ImportCounts& c) {
  return {{"groups", c.groups},       {"organisations", c.organisations},
          {"users", c.users},         {"programmes", c.programmes},
          {"ilr_episodes", c.ilr_episodes}, {"documents", c.documents},
          {"emails", c.emails},       {"sign_ins", c.sign_ins},
          {"deleted", c.deleted},     {"total", c.total()}};
}

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The actor whose remediation steps a user of this type can carry out.
std::string ActorOf(const std::string& user_type) {
  if (user_type == "learner" || user_type == "employer" || user_type == "admin") return user_type;
  return "learner";  // a referrer acts on their own account like a learner
}

}  // namespace

TriageOutcome DeriveTriage(const nlohmann::json& answer, const FaqDef* faq,
                           const std::string& requester_name, const std::string& requester_role) {
  TriageOutcome out;
  out.category = faq ? faq->pack : "unmatched";
  const nlohmann::json& findings = answer.value("findings", nlohmann::json::array());
  bool blocking = false, warning = false;
  for (const auto& f : findings) {
    std::string severity = Str(f, "severity");
    blocking = blocking || severity == "blocking";
    warning = warning || severity == "warning";
    out.tags.push_back("cause:" + Str(f, "cause"));
  }
  if (faq == nullptr || findings.empty()) {
    out.priority = "normal";  // nothing matched or nothing diagnosed: a person must read it
  } else if (blocking && faq->pack == "login") {
    out.priority = "urgent";  // someone cannot get into the platform at all
  } else if (blocking) {
    out.priority = "high";
  } else if (warning) {
    out.priority = "normal";
  } else {
    out.priority = "low";
  }
  if (faq) out.tags.insert(out.tags.begin(), "faq:" + faq->id);
  if (!requester_role.empty()) out.tags.push_back("role:" + requester_role);
  if (!answer.value("needs", nlohmann::json::array()).empty()) out.tags.push_back("needs-info");

  std::string reply = "Hello" + (requester_name.empty() ? std::string() : " " + requester_name) + ",\n\n";
  const std::string actor = ActorOf(requester_role);
  if (faq == nullptr) {
    reply += "Thank you for your message. We could not match it to a known question, so a member "
             "of the support team will read it and reply.\n";
  } else if (findings.empty()) {
    reply += "Thank you for your message about \"" + faq->title + "\".\n\n";
    const auto& needs = answer.value("needs", nlohmann::json::array());
    if (!needs.empty()) {
      reply += "To look into your account we need a little more: please tell us ";
      for (size_t i = 0; i < needs.size(); ++i) {
        std::string n = needs[i].get<std::string>();
        if (n == "subject") n = "which user this is about (their email address)";
        else if (n == "other_user") n = "which employer user this is about";
        else if (n == "email") n = "the email address concerned";
        else if (n == "csv") n = "the CSV file you are importing";
        else if (n == "api_request") n = "the API request body you sent";
        reply += (i ? (i + 1 == needs.size() ? " and " : ", ") : "") + n;
      }
      reply += ".\n\n";
    }
    reply += Str(answer, "answer");
  } else {
    reply += "We looked into this. Here is what we found:\n";
    for (const auto& f : findings) {
      reply += "\n- " + Str(f, "explanation") + "\n";
      for (const auto& step : f.value("remediation", nlohmann::json::array())) {
        if (Str(step, "actor") == actor) reply += "  What you can do: " + Str(step, "step") + "\n";
      }
      for (const auto& step : f.value("remediation", nlohmann::json::array())) {
        std::string who = Str(step, "actor");
        if (who == "support") reply += "  We will: " + Str(step, "step") + "\n";
      }
    }
  }
  reply += "\nKind regards,\nThe support team\n";
  out.suggested_reply = std::move(reply);
  return out;
}

DiagnosisBackend::DiagnosisBackend(Store& store, std::string rules_dir,
                                   std::shared_ptr<const Rulebook> rules, bool demo,
                                   std::function<int64_t()> clock)
    : store_(store),
      rules_dir_(std::move(rules_dir)),
      demo_(demo),
      answerer_(store, std::move(clock)),
      rules_(std::move(rules)) {}

std::shared_ptr<const Rulebook> DiagnosisBackend::rulebook() const {
  std::lock_guard<std::mutex> lock(rules_mu_);
  return rules_;
}

Reply DiagnosisBackend::Ask(const AskRequest& request, const CallContext&) {
  std::shared_ptr<const Rulebook> rules = rulebook();
  AnswerSummary summary;
  // The answer goes out as the text the answerer writes: no tree to build,
  // dump and free.
  StatusOr<std::string> answer = answerer_.AskJson(*rules, request, &summary);
  if (!answer.ok()) return Reply::Fail(answer.status());
  if (observer_) observer_(summary);
  AnswerDigest digest{summary.faq, std::nullopt, summary.subject_user, std::move(summary.causes)};
  if (!summary.faq.empty()) digest.confidence = summary.confidence;
  return Reply::OkText(std::move(*answer), std::move(digest));
}

Reply DiagnosisBackend::Triage(const std::string& tenant, const nlohmann::json& body, const CallContext&) {
  std::shared_ptr<const TenantView> view = store_.Tenant(tenant);
  if (!view) return Reply::Fail(NotFoundError("no account state is loaded for tenant '" + tenant + "'"));
  std::shared_ptr<const Rulebook> rules = rulebook();
  const std::string requester = Str(body, "requester");
  const Record* asker = view->FindUser(requester);
  if (asker == nullptr) asker = view->FindUserByLogin(requester);

  AskRequest request;
  request.tenant = tenant;
  request.question = Str(body, "subject");
  std::string text = Str(body, "body");
  if (!text.empty()) request.question += (request.question.empty() ? "" : "\n") + text;
  if (request.question.size() > kMaxQuestionBytes) request.question.resize(kMaxQuestionBytes);

  const AccountFields& f = Fields();
  std::string name, role;
  nlohmann::json answer;
  AnswerSummary summary;
  if (asker != nullptr) {
    request.asker = std::string(asker->get(f.u.id).as_string());
    if (asker->get(f.u.first_name).kind() == Kind::kString) name = std::string(asker->get(f.u.first_name).as_string());
    if (asker->get(f.u.type).kind() == Kind::kString) role = std::string(asker->get(f.u.type).as_string());
    StatusOr<nlohmann::json> asked = answerer_.Ask(*rules, request, &summary);
    if (asked.ok()) {
      answer = std::move(*asked);
    } else if (asked.status().code() != StatusCode::kPermissionDenied) {
      return Reply::Fail(asked.status());
    }
  }
  if (answer.is_null()) {
    // An unknown requester, or a ticket naming someone they may not see: match
    // the question and answer in general terms, diagnosing no one.
    MatchOutcome match = rules->Match(request.question);
    answer = {{"faq", nullptr}, {"alternatives", nlohmann::json::array()}, {"subject", nullptr},
              {"findings", nlohmann::json::array()}, {"checked", nlohmann::json::array()},
              {"unknown", nlohmann::json::array()}, {"answer", ""}, {"needs", nlohmann::json::array()}};
    if (match.faq) {
      answer["faq"] = {{"id", match.faq->id}, {"title", match.faq->title}, {"confidence", match.confidence}};
      answer["answer"] = match.faq->answer;
    }
    summary = AnswerSummary{tenant, request.asker, match.faq ? match.faq->id : "", "", match.confidence, {}, false};
  }
  const FaqDef* faq = answer["faq"].is_object() ? rules->FindFaq(Str(answer["faq"], "id")) : nullptr;
  TriageOutcome triage = DeriveTriage(answer, faq, name, role);
  answer["requester"] = asker ? nlohmann::json(request.asker) : nlohmann::json(nullptr);
  answer["category"] = triage.category;
  answer["priority"] = triage.priority;
  answer["tags"] = triage.tags;
  answer["suggested_reply"] = triage.suggested_reply;
  if (observer_) observer_(summary);
  return Reply::Ok(std::move(answer));
}

Reply DiagnosisBackend::FromImport(const ImportResult& result) {
  if (!result.ok()) {
    std::vector<FieldError> errors = result.errors;
    return Reply::Fail(result.status, std::move(errors));
  }
  nlohmann::json body = {{"tenant", result.tenant_id}, {"applied", CountsJson(result.counts)}};
  if (result.errors_truncated) body["errors_truncated"] = true;
  return Reply::Ok(std::move(body));
}

Reply DiagnosisBackend::PutSnapshot(const std::string& tenant, nlohmann::json snapshot, std::string_view text,
                                    const CallContext&) {
  snapshot = nullptr;  // the store parses `text` itself: do not hold both forms
  ImportOptions options;
  options.expected_tenant = tenant;
  options.max_bytes = SIZE_MAX;  // the HTTP layer has applied its own limit (--max-ingest-mb)
  return FromImport(store_.ImportSnapshot(text, options));
}

Reply DiagnosisBackend::ApplyRecords(const std::string& tenant, nlohmann::json records, std::string_view text,
                                     const CallContext&) {
  records = nullptr;  // as for snapshots
  ImportOptions options;
  options.max_bytes = SIZE_MAX;  // as for snapshots
  return FromImport(store_.ApplyRecords(tenant, text, options));
}

Reply DiagnosisBackend::ListFaqs() {
  std::shared_ptr<const Rulebook> rules = rulebook();
  nlohmann::json faqs = nlohmann::json::array();
  for (const FaqDef& faq : rules->faqs()) {
    faqs.push_back({{"id", faq.id}, {"title", faq.title}, {"subject", faq.subject}, {"causes", rules->CausesOf(faq.id)}});
  }
  return Reply::Ok({{"faqs", faqs}});
}

Reply DiagnosisBackend::GetFaq(const std::string& id) {
  std::shared_ptr<const Rulebook> rules = rulebook();
  const FaqDef* faq = rules->FindFaq(id);
  if (faq == nullptr) return Reply::Fail(NotFoundError("unknown FAQ id '" + id + "'"));
  return Reply::Ok({{"id", faq->id}, {"title", faq->title}, {"subject", faq->subject},
                    {"answer", faq->answer}, {"needs", faq->needs}, {"causes", rules->CausesOf(faq->id)}});
}

Reply DiagnosisBackend::DemoUsers(const std::string& tenant, const CallContext&) {
  if (!demo_) return Reply::Fail(NotFoundError("demo endpoints are served only in demo mode"));
  std::shared_ptr<const TenantView> view = store_.Tenant(tenant);
  if (!view) return Reply::Fail(NotFoundError("no account state is loaded for tenant '" + tenant + "'"));
  const AccountFields& f = Fields();
  nlohmann::json users = nlohmann::json::array();
  for (const Record* u : view->users()) {
    users.push_back({{"id", std::string(u->get(f.u.id).as_string())},
                     {"display", std::string(u->get(f.u.display_name).as_string())},
                     {"type", std::string(u->get(f.u.type).as_string())},
                     {"status", u->get(f.u.status).kind() == Kind::kString ? std::string(u->get(f.u.status).as_string()) : ""}});
  }
  return Reply::Ok({{"users", users}});
}

bool DiagnosisBackend::Ready(std::string* why) {
  if (!rulebook()) {
    *why = "rules are not loaded";
    return false;
  }
  return true;
}

Reply DiagnosisBackend::Reload() {
  StatusOr<std::shared_ptr<const Rulebook>> fresh = Rulebook::Load(rules_dir_);
  if (!fresh.ok()) {
    std::vector<FieldError> errors;
    const std::string& message = fresh.status().message();
    size_t start = 0;
    while (start < message.size()) {
      size_t end = message.find('\n', start);
      std::string line = message.substr(start, end == std::string::npos ? std::string::npos : end - start);
      size_t sep = line.find(": ");
      if (!line.empty()) {
        errors.push_back(sep == std::string::npos ? FieldError{"", line}
                                                  : FieldError{line.substr(0, sep), line.substr(sep + 2)});
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return Reply::Fail(fresh.status(), std::move(errors));
  }
  std::shared_ptr<const Rulebook> loaded = std::move(*fresh);
  nlohmann::json body = {{"faqs", loaded->faqs().size()}, {"rules", loaded->rule_count()}};
  {
    std::lock_guard<std::mutex> lock(rules_mu_);
    rules_ = std::move(loaded);
  }
  return Reply::Ok(std::move(body));
}

}  // namespace whyd
