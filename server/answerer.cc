// The ask pipeline; see answerer.h.
#include "server/answerer.h"

#include <cctype>
#include <chrono>
#include <string_view>

#include "engine/time_util.h"
#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "knowledge/mentions.h"
#include "knowledge/snapshot_validator.h"
#include "knowledge/visibility.h"

namespace whyd {

const char kNotVisibleMessage[] =
    "the asker may not see this user, or no such user exists";

namespace {

// Fields of another user's record that anyone may be told: what kind of account
// holds an address and whether it is active, never who it is.
bool IsAnonymousField(std::string_view field) {
  return field == "type" || field == "status" || field == "effective_status" || field == "inactive";
}

std::string UserDisplay(const Record& user) {
  const AccountFields& f = Fields();
  const Value& v = user.get(f.u.display_name);
  return v.kind() == Kind::kString ? std::string(v.as_string()) : std::string();
}

std::string StringField(const Record& r, int index) {
  const Value& v = r.get(index);
  return v.kind() == Kind::kString ? std::string(v.as_string()) : std::string();
}

// Objects of the answer are built member by member: nlohmann's
// {{"name", value}, ...} form makes each member a two-element array and then
// copies it into the object (see Rulebook::Diagnose).
nlohmann::json UserRef(const Record& user) {
  const AccountFields& f = Fields();
  nlohmann::json out = nlohmann::json::object();
  out.emplace("id", StringField(user, f.u.id));
  out.emplace("display", UserDisplay(user));
  out.emplace("type", StringField(user, f.u.type));
  return out;
}

// Everything one request needs to decide what its asker may see.
class Redactor {
 public:
  Redactor(const TenantView& view, const Record& asker, int64_t now)
      : view_(view), asker_(asker), now_(now) {}

  bool MaySee(const Record& user) const {
    const AccountFields& f = Fields();
    const Value& id = user.get(f.u.id);
    if (id.kind() != Kind::kString) return false;
    const Record* stored = view_.FindUser(id.as_string());
    return stored != nullptr && MayView(asker_, *stored, now_);
  }

  // JSON for an evidence value; records of users the asker may not see are
  // reduced to their anonymous fields, and dropped from lists.
  nlohmann::json ValueJson(const Value& v, int depth = 0) const {
    switch (v.kind()) {
      case Kind::kAbsent:
      case Kind::kNull: return nullptr;
      case Kind::kBool: return v.as_bool();
      case Kind::kInt: return v.as_int();
      case Kind::kFloat: return v.as_float();
      case Kind::kString: return std::string(v.as_string());
      case Kind::kDate: return FormatDateIso(v.as_date());
      case Kind::kTime: return FormatTimestampIso(v.as_time());
      case Kind::kDuration: return FormatDurationHuman(v.as_duration());
      case Kind::kList: {
        nlohmann::json out = nlohmann::json::array();
        for (const Value& item : *v.as_list()) {
          if (item.kind() == Kind::kRecord && IsUser(*item.as_record()) && !MaySee(*item.as_record())) continue;
          out.push_back(ValueJson(item, depth + 1));
        }
        return out;
      }
      case Kind::kRecord: return RecordJson(*v.as_record(), depth);
    }
    return nullptr;
  }

  // Decides an evidence item by walking its path from the root: the last user
  // record on the way owns the fact.
  std::optional<nlohmann::json> Filter(const Record& root, std::string_view path, const Value& value) const {
    const Record* current = &root;
    const Record* owner = nullptr;
    std::string_view last_field;
    size_t start = 0;
    while (current != nullptr && start <= path.size()) {
      size_t dot = path.find('.', start);
      std::string_view name = path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      int index = current->type->FindField(name);
      if (index < 0) break;  // a label, not a path: judge the value alone
      last_field = name;
      const Value& v = current->get(index);
      if (dot == std::string_view::npos) break;
      if (v.kind() != Kind::kRecord) break;
      current = v.as_record();
      if (IsUser(*current)) owner = current;
      start = dot + 1;
    }
    if (owner != nullptr && !MaySee(*owner) && !IsAnonymousField(last_field)) return std::nullopt;
    return ValueJson(value);
  }

 private:
  static bool IsUser(const Record& r) { return r.type == Fields().user; }

  nlohmann::json RecordJson(const Record& r, int depth) const {
    const AccountFields& f = Fields();
    if (IsUser(r)) {
      if (!MaySee(r)) {
        return {{"type", StringField(r, f.u.type)}, {"status", StringField(r, f.u.effective_status)}};
      }
      nlohmann::json out = UserRef(r);
      out["email"] = StringField(r, f.u.email);
      out["status"] = StringField(r, f.u.effective_status);
      if (r.get(f.u.subscription_end).kind() == Kind::kDate) {
        out["subscription_end"] = FormatDateIso(r.get(f.u.subscription_end).as_date());
      }
      return out;
    }
    // Other records: their scalar fields (nested collections would bloat evidence).
    nlohmann::json out = nlohmann::json::object();
    for (int i = 0; i < r.type->field_count(); ++i) {
      const Value& v = r.get(i);
      if (v.is_absent()) continue;
      if (v.kind() == Kind::kRecord || (v.kind() == Kind::kList && depth > 0)) continue;
      if (v.kind() == Kind::kList && !v.as_list()->size) continue;
      out[r.type->field(i).name] = ValueJson(v, depth + 1);
    }
    return out;
  }

  const TenantView& view_;
  const Record& asker_;
  int64_t now_;
};

// The question as question matching should see it: email addresses and the
// names of users the asker may see blanked out, so that "why can't Jamie Smith
// log in" is matched on what it asks, not on whom it names.
std::string MaskNames(const TenantView& view, const Record& asker, int64_t now, const std::string& question) {
  std::string masked = question;
  for (const std::string& address : ExtractEmails(question)) {
    for (size_t pos = masked.find(address); pos != std::string::npos; pos = masked.find(address, pos)) {
      for (size_t i = 0; i < address.size(); ++i) masked[pos + i] = ' ';
    }
  }
  // Most questions name nobody: the lowered copy is made only for those that do.
  const std::vector<const Record*> named = view.UsersNamedIn(masked);
  if (named.empty()) return masked;
  std::string lowered = masked;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Record* user : named) {
    if (!MayView(asker, *user, now)) continue;
    const std::string name = NormaliseKey(UserDisplay(*user));
    if (name.empty()) continue;
    for (size_t pos = lowered.find(name); pos != std::string::npos; pos = lowered.find(name, pos + 1)) {
      for (size_t i = 0; i < name.size(); ++i) lowered[pos + i] = masked[pos + i] = ' ';
    }
  }
  return masked;
}

bool IsAdmin(const Record& user) { return StringField(user, Fields().u.type) == "admin"; }

// Resolves a user named by id or by email/username.
const Record* ResolveUser(const TenantView& view, std::string_view id_or_email) {
  if (const Record* r = view.FindUser(id_or_email)) return r;
  if (id_or_email.find('@') != std::string_view::npos) return view.FindUserByLogin(id_or_email);
  return nullptr;
}

}  // namespace

Answerer::Answerer(const Store& store, std::function<int64_t()> clock)
    : store_(store), clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = [] {
      return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
    };
  }
}

StatusOr<nlohmann::json> Answerer::Ask(const Rulebook& rules, const AskRequest& request,
                                       AnswerSummary* summary) const {
  const AccountFields& f = Fields();
  std::shared_ptr<const TenantView> view = store_.Tenant(request.tenant);
  if (!view) return NotFoundError("no account state is loaded for tenant '" + request.tenant + "'");
  const int64_t now = request.as_of ? *request.as_of : clock_();

  const Record* asker = view->FindUser(request.asker);
  if (asker == nullptr) return PermissionDeniedError(kNotVisibleMessage);

  nlohmann::json answer;
  answer["as_of"] = FormatTimestampIso(now);

  // 1. Which FAQ.
  const FaqDef* faq = nullptr;
  double confidence = 1.0;
  nlohmann::json alternatives = nlohmann::json::array();
  if (!request.faq.empty()) {
    faq = rules.FindFaq(request.faq);
    if (faq == nullptr) return NotFoundError("unknown FAQ id '" + request.faq + "'");
  } else {
    MatchOutcome match = rules.Match(MaskNames(*view, *asker, now, request.question));
    faq = match.faq;
    confidence = match.confidence;
    for (const FaqChoice& c : match.alternatives) {
      nlohmann::json& alternative = alternatives.emplace_back(nlohmann::json::object());
      alternative.emplace("id", c.faq->id);
      alternative.emplace("title", c.faq->title);
      alternative.emplace("confidence", c.confidence);
    }
    answer["matched"] = std::move(match.matched);
  }
  answer["alternatives"] = std::move(alternatives);
  answer["findings"] = nlohmann::json::array();
  answer["checked"] = nlohmann::json::array();
  answer["unknown"] = nlohmann::json::array();
  answer["needs"] = nlohmann::json::array();
  answer["subject"] = nullptr;
  if (faq == nullptr) {
    answer["faq"] = nullptr;
    answer["answer"] = "";
    if (summary) *summary = AnswerSummary{request.tenant, request.asker, "", "", 0, {}, false};
    return answer;
  }
  nlohmann::json& faq_json = answer["faq"] = nlohmann::json::object();
  faq_json.emplace("id", faq->id);
  faq_json.emplace("title", faq->title);
  faq_json.emplace("confidence", confidence);
  answer["answer"] = faq->answer;

  // 2. What the question says.
  QuestionFacts question;
  question.text = request.question;
  question.emails = ExtractEmails(request.question);
  question.mentions_self = SpeaksOfAsker(request.question);
  if (auto period = StatedPeriodDays(request.question)) question.period_days = *period;
  // "I", "me" alone are not enough to make the asker the subject ("why can't I
  // see her in the dropdown?"); the question must be about their own account.
  const bool about_own_account = AboutOwnAccount(request.question);

  // 3. Whom (or what) the question is about.
  FactRequest facts;
  facts.asker_id = request.asker;
  facts.now = now;
  facts.question = &question;
  std::vector<std::string> needs;
  auto refuse = [] { return PermissionDeniedError(kNotVisibleMessage); };
  auto may_see = [&](const Record& subject) { return MayView(*asker, subject, now); };
  auto named_in_question = [&]() -> std::vector<const Record*> {
    std::vector<const Record*> found;
    if (request.question.empty()) return found;
    std::vector<const Record*> all;
    for (const Record* r : view->UsersNamedIn(request.question)) {
      if (may_see(*r)) all.push_back(r);
    }
    // A name counts only when it names exactly one user the asker may see.
    for (const Record* r : all) {
      int same = 0;
      for (const Record* other_named : all) same += NormaliseKey(UserDisplay(*r)) == NormaliseKey(UserDisplay(*other_named)) ? 1 : 0;
      if (same == 1) found.push_back(r);
    }
    return found;
  };
  const std::string& kind = faq->subject;
  const Record* subject = nullptr;
  const Record* other = nullptr;
  std::string email_subject;

  if (kind == "user" || kind == "user+user") {
    std::vector<const Record*> named;
    for (const std::string* ref : {&request.subject_user, &request.other_user}) {
      if (ref->empty()) continue;
      const Record* r = ResolveUser(*view, *ref);
      if (r == nullptr || !may_see(*r)) return refuse();
      named.push_back(r);
    }
    if (named.empty() && !question.emails.empty()) {
      for (const std::string& address : question.emails) {
        const Record* r = view->FindUserByLogin(address);
        if (r == nullptr || !may_see(*r)) return refuse();
        named.push_back(r);
        if (kind == "user") break;
      }
    }
    if (named.empty()) {
      // A display name counts only when it names exactly one user the asker may see.
      std::vector<const Record*> by_name = named_in_question();
      if (kind == "user" && by_name.size() > 1) {
        // "Dan Brown shows twice in Jamie's list": the learner is the subject.
        std::vector<const Record*> learners;
        for (const Record* r : by_name) {
          if (StringField(*r, f.u.type) == "learner") learners.push_back(r);
        }
        by_name = learners;
      }
      if (by_name.size() == 1 || (kind == "user+user" && by_name.size() == 2)) named = by_name;
    }
    if (kind == "user") {
      if (!named.empty()) {
        subject = named.front();
      } else if (StringField(*asker, f.u.type) == "learner" || about_own_account) {
        subject = asker;
      }
      if (subject == nullptr) needs.push_back("subject");
    } else {
      // The learner goes in `user`, the other person in `other`, whatever order they came in.
      for (const Record* r : named) {
        bool learner = StringField(*r, f.u.type) == "learner";
        if (learner && subject == nullptr) subject = r;
        else if (other == nullptr && r != subject) other = r;
        else if (subject == nullptr) subject = r;
      }
      if (other == nullptr && StringField(*asker, f.u.type) == "employer") other = asker;
      if (other == nullptr) needs.push_back("other_user");
      if (subject == nullptr && faq->id != "manager-cannot-see-linked-learners") needs.push_back("subject");
    }
  } else if (kind == "email") {
    email_subject = request.subject_email;
    if (email_subject.empty() && request.subject_user.find('@') != std::string::npos) email_subject = request.subject_user;
    if (email_subject.empty() && !question.emails.empty()) email_subject = question.emails.front();
    if (email_subject.empty()) {
      needs.push_back("email");
    } else if (!IsAdmin(*asker)) {
      // Only admins may ask about addresses other than their own.
      if (!view->FindUserByLogin(email_subject) || view->FindUserByLogin(email_subject) != asker) return refuse();
    }
  } else if (kind == "tenant" || kind == "csv" || kind == "api_request") {
    bool attached = request.csv.has_value() || request.api_request.has_value();
    if (!IsAdmin(*asker) || IsInactive(*asker, now)) {
      // Tenant-wide checks need an admin; anyone else still gets the general answer.
      if (attached) return refuse();
      needs.clear();
    } else if (kind == "csv" && !request.csv) {
      needs.push_back("csv");
    } else if (kind == "api_request" && !request.api_request) {
      needs.push_back("api_request");
    }
  }
  answer["needs"] = needs;

  // Subject description for the client.
  if (subject != nullptr || other != nullptr) {
    nlohmann::json s = nlohmann::json::object();
    if (subject) s["user"] = UserRef(*subject);
    if (other) s["other_user"] = UserRef(*other);
    answer["subject"] = std::move(s);
  } else if (!email_subject.empty()) {
    answer["subject"] = {{"email", email_subject}};
  } else if (kind == "tenant") {
    answer["subject"] = {{"tenant", request.tenant}};
  }

  bool may_diagnose = needs.empty();
  if (kind == "tenant" || kind == "csv" || kind == "api_request") {
    may_diagnose = may_diagnose && IsAdmin(*asker) && !IsInactive(*asker, now);
  }
  if (kind == "user+user" && faq->id == "manager-cannot-see-linked-learners") {
    may_diagnose = other != nullptr;
  }
  std::string subject_id = subject ? StringField(*subject, f.u.id) : email_subject;
  if (!may_diagnose) {
    if (summary) *summary = AnswerSummary{request.tenant, request.asker, faq->id, subject_id, confidence, {}, false};
    return answer;
  }

  // 4. Facts.
  std::string subject_user_id = subject ? StringField(*subject, f.u.id) : std::string();
  std::string other_user_id = other ? StringField(*other, f.u.id) : std::string();
  facts.user_id = subject_user_id;
  facts.other_id = other_user_id;
  if (!email_subject.empty()) facts.email = email_subject;
  if (kind == "csv") facts.csv = request.csv;
  if (kind == "api_request") facts.api_request = request.api_request;
  facts.want_stats = kind == "tenant";
  FactArena arena;
  StatusOr<const Record*> root = GatherFacts(*view, facts, arena);
  if (!root.ok()) {
    if (root.status().code() == StatusCode::kNotFound) return refuse();
    return root.status();
  }

  // 5. Rules, explanations, redaction.
  FactArena scratch;
  EvalContext ctx{*root, now, &scratch};
  Redactor redactor(*view, *asker, now);
  const Record& root_record = **root;
  EvidenceFilter filter = [&](std::string_view path, const Value& value) {
    return redactor.Filter(root_record, path, value);
  };
  DiagnosisSummary diagnosis = rules.Diagnose(faq->id, ctx, filter, &answer);
  if (summary) {
    *summary = AnswerSummary{request.tenant, request.asker, faq->id, subject_id, confidence,
                             diagnosis.causes, diagnosis.blocking};
  }
  return answer;
}

}  // namespace whyd
