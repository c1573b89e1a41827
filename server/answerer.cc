// The ask pipeline; see answerer.h.
#include "server/answerer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/time_util.h"
#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "knowledge/mentions.h"
#include "knowledge/snapshot_validator.h"
#include "knowledge/visibility.h"
#include "server/json_writer.h"

namespace whyd {

const char kNotVisibleMessage[] =
    "the asker may not see this user, or no such user exists";

namespace {

// Fields of another user's record that anyone may be told: what kind of account
// holds an address and whether it is active, never who it is.
bool IsAnonymousField(std::string_view field) {
  return field == "type" || field == "status" || field == "effective_status" || field == "inactive";
}

std::string_view UserDisplayView(const Record& user) {
  const AccountFields& f = Fields();
  const Value& v = user.get(f.u.display_name);
  return v.kind() == Kind::kString ? v.as_string() : std::string_view();
}

std::string UserDisplay(const Record& user) { return std::string(UserDisplayView(user)); }

std::string StringField(const Record& r, int index) {
  const Value& v = r.get(index);
  return v.kind() == Kind::kString ? std::string(v.as_string()) : std::string();
}

// A string field of a record as a JSON string, "" when it is not a string.
void WriteStringField(const Record& r, int index, JsonWriter& out) {
  const Value& v = r.get(index);
  out.String(v.kind() == Kind::kString ? v.as_string() : std::string_view());
}

// The answer's objects are written as JSON text, keys in sorted order (see
// WriteAnswer). A user named in the answer: {"display", "id", "type"}.
void WriteUserRef(const Record& user, JsonWriter& out) {
  const AccountFields& f = Fields();
  out.BeginObject();
  out.Key<"display">();
  out.String(UserDisplayView(user));
  out.Key<"id">();
  WriteStringField(user, f.u.id, out);
  out.Key<"type">();
  WriteStringField(user, f.u.type, out);
  out.EndObject();
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

  // Writes the JSON of an evidence value; records of users the asker may not
  // see are reduced to their anonymous fields, and dropped from lists.
  void WriteValue(const Value& v, JsonWriter& out, int depth = 0) const {
    switch (v.kind()) {
      case Kind::kAbsent:
      case Kind::kNull: out.Null(); return;
      case Kind::kBool: out.Bool(v.as_bool()); return;
      case Kind::kInt: out.Int(v.as_int()); return;
      case Kind::kFloat: out.Double(v.as_float()); return;
      case Kind::kString: out.String(v.as_string()); return;
      case Kind::kDate: out.String(FormatDateIso(v.as_date())); return;
      case Kind::kTime: out.String(FormatTimestampIso(v.as_time())); return;
      case Kind::kDuration: out.String(FormatDurationHuman(v.as_duration())); return;
      case Kind::kList: {
        out.BeginArray();
        for (const Value& item : *v.as_list()) {
          if (item.kind() == Kind::kRecord && IsUser(*item.as_record()) && !MaySee(*item.as_record())) continue;
          WriteValue(item, out, depth + 1);
        }
        out.EndArray();
        return;
      }
      case Kind::kRecord: WriteRecord(*v.as_record(), out, depth); return;
    }
    out.Null();
  }

  // Decides an evidence item by walking its path from the root: the last user
  // record on the way owns the fact. Writes the value to show to `json`, or
  // returns false to drop the item.
  bool Filter(const Record& root, std::string_view path, const Value& value, std::string* json) const {
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
    if (owner != nullptr && !MaySee(*owner) && !IsAnonymousField(last_field)) return false;
    JsonWriter out(json);
    WriteValue(value, out);
    return true;
  }

 private:
  static bool IsUser(const Record& r) { return r.type == Fields().user; }

  // Members are written in sorted key order, as a std::map-backed
  // nlohmann::json object would hold them.
  void WriteRecord(const Record& r, JsonWriter& out, int depth) const {
    const AccountFields& f = Fields();
    out.BeginObject();
    if (IsUser(r)) {
      if (!MaySee(r)) {
        out.Key<"status">();
        WriteStringField(r, f.u.effective_status, out);
        out.Key<"type">();
        WriteStringField(r, f.u.type, out);
      } else {
        out.Key<"display">();
        out.String(UserDisplayView(r));
        out.Key<"email">();
        WriteStringField(r, f.u.email, out);
        out.Key<"id">();
        WriteStringField(r, f.u.id, out);
        out.Key<"status">();
        WriteStringField(r, f.u.effective_status, out);
        if (r.get(f.u.subscription_end).kind() == Kind::kDate) {
          out.Key<"subscription_end">();
          out.String(FormatDateIso(r.get(f.u.subscription_end).as_date()));
        }
        out.Key<"type">();
        WriteStringField(r, f.u.type, out);
      }
      out.EndObject();
      return;
    }
    // Other records: their scalar fields (nested collections would bloat
    // evidence), by field name.
    std::vector<std::pair<std::string_view, int>> fields;
    for (int i = 0; i < r.type->field_count(); ++i) {
      const Value& v = r.get(i);
      if (v.is_absent()) continue;
      if (v.kind() == Kind::kRecord || (v.kind() == Kind::kList && depth > 0)) continue;
      if (v.kind() == Kind::kList && !v.as_list()->size) continue;
      fields.emplace_back(r.type->field(i).name, i);
    }
    std::sort(fields.begin(), fields.end());
    for (size_t k = 0; k < fields.size(); ++k) {
      // A name given twice keeps its last value, as out[name] = ... would.
      if (k + 1 < fields.size() && fields[k + 1].first == fields[k].first) continue;
      out.Key(fields[k].first);
      WriteValue(r.get(fields[k].second), out, depth + 1);
    }
    out.EndObject();
  }

  const TenantView& view_;
  const Record& asker_;
  int64_t now_;
};

// The question as question matching should see it: email addresses and the
// names of users the asker may see blanked out, so that "why can't Jamie Smith
// log in" is matched on what it asks, not on whom it names. `emails` are the
// question's addresses (ExtractEmails).
std::string MaskNames(const TenantView& view, const Record& asker, int64_t now, const std::string& question,
                      const std::vector<std::string>& emails) {
  std::string masked = question;
  for (const std::string& address : emails) {
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

// What one answer says, gathered before any of it is written: the answer's
// members are written in sorted key order, and the diagnosis, written last
// in the pipeline, sorts between the FAQ and the subject.
struct AnswerParts {
  int64_t now = 0;
  const FaqDef* faq = nullptr;  // null: no FAQ matched
  const std::string* answer_json = nullptr;  // the FAQ's answer, escaped at load (Rulebook::AnswerJson)
  double confidence = 0;
  const std::vector<FaqChoice>* alternatives = nullptr;  // null: none
  const std::vector<std::string>* matched = nullptr;     // null: no question was matched (the FAQ was given)
  const std::vector<std::string>* needs = nullptr;       // null: none
  const Record* subject = nullptr;
  const Record* other = nullptr;
  std::string email_subject;
  const std::string* tenant = nullptr;  // a tenant-wide question: the tenant asked about
  DiagnosisJson diagnosis;              // all empty: nothing diagnosed
};

// Writes an empty JSON array where a diagnosis part is missing.
void WriteDiagnosisPart(const std::string& part, JsonWriter& out) {
  if (part.empty()) {
    out.BeginArray();
    out.EndArray();
  } else {
    out.Raw(part);
  }
}

// The answer object of shared/spec/api.md, as compact JSON text: the one
// place that decides the answer's members (the diagnosis parts are
// Rulebook::Diagnose's, evidence values the Redactor's). Keys are written in
// sorted order so that the bytes are those DumpJson writes for the same
// nlohmann::json tree (a std::map), which is what clients have always
// received; Ask() parses this text for callers that want the tree.
std::string WriteAnswer(const AnswerParts& a) {
  // Room for all of it at once: what varies is mostly the diagnosis and the
  // FAQ's answer (markdown, whose newlines double when escaped).
  const DiagnosisJson& d = a.diagnosis;
  const size_t faq_text = a.faq ? a.faq->answer.size() + a.faq->answer.size() / 8 + a.faq->title.size() : 0;
  std::string text;
  text.reserve(1024 + faq_text + d.findings.size() + d.checked.size() + d.unknown.size() + d.suppressed.size());
  JsonWriter out(&text);
  auto write_choice = [&out](const FaqDef& faq, double confidence) {
    out.BeginObject();
    out.Key<"confidence">();
    out.Double(confidence);
    out.Key<"id">();
    out.String(faq.id);
    out.Key<"title">();
    out.String(faq.title);
    out.EndObject();
  };
  out.BeginObject();
  out.Key<"alternatives">();
  out.BeginArray();
  if (a.alternatives) {
    for (const FaqChoice& c : *a.alternatives) write_choice(*c.faq, c.confidence);
  }
  out.EndArray();
  out.Key<"answer">();
  if (a.answer_json != nullptr) {
    out.Raw(*a.answer_json);
  } else {
    out.String(a.faq ? std::string_view(a.faq->answer) : std::string_view());
  }
  out.Key<"as_of">();
  out.String(FormatTimestampIso(a.now));
  out.Key<"checked">();
  WriteDiagnosisPart(a.diagnosis.checked, out);
  out.Key<"faq">();
  if (a.faq) {
    write_choice(*a.faq, a.confidence);
  } else {
    out.Null();
  }
  out.Key<"findings">();
  WriteDiagnosisPart(a.diagnosis.findings, out);
  if (a.matched) {
    out.Key<"matched">();
    out.StringArray(*a.matched);
  }
  out.Key<"needs">();
  out.BeginArray();
  if (a.needs) {
    for (const std::string& n : *a.needs) out.String(n);
  }
  out.EndArray();
  out.Key<"subject">();
  if (a.subject != nullptr || a.other != nullptr) {
    out.BeginObject();
    if (a.other) {
      out.Key<"other_user">();
      WriteUserRef(*a.other, out);
    }
    if (a.subject) {
      out.Key<"user">();
      WriteUserRef(*a.subject, out);
    }
    out.EndObject();
  } else if (!a.email_subject.empty()) {
    out.BeginObject();
    out.Key<"email">();
    out.String(a.email_subject);
    out.EndObject();
  } else if (a.tenant != nullptr) {
    out.BeginObject();
    out.Key<"tenant">();
    out.String(*a.tenant);
    out.EndObject();
  } else {
    out.Null();
  }
  if (!a.diagnosis.suppressed.empty()) {
    out.Key<"suppressed">();
    out.Raw(a.diagnosis.suppressed);
  }
  out.Key<"unknown">();
  WriteDiagnosisPart(a.diagnosis.unknown, out);
  out.EndObject();
  return text;
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
  StatusOr<std::string> text = AskJson(rules, request, summary);
  if (!text.ok()) return text.status();
  // The text is valid JSON by construction; parsing it cannot fail, and does
  // not throw if it ever did.
  nlohmann::json answer = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) return InternalError("the answer is not valid JSON");
  return answer;
}

StatusOr<std::string> Answerer::AskJson(const Rulebook& rules, const AskRequest& request,
                                        AnswerSummary* summary) const {
  const AccountFields& f = Fields();
  std::shared_ptr<const TenantView> view = store_.Tenant(request.tenant);
  if (!view) return NotFoundError("no account state is loaded for tenant '" + request.tenant + "'");
  const int64_t now = request.as_of ? *request.as_of : clock_();

  const Record* asker = view->FindUser(request.asker);
  if (asker == nullptr) return PermissionDeniedError(kNotVisibleMessage);

  AnswerParts answer;
  answer.now = now;

  // The question's addresses, read once: masked for matching, then facts.
  std::vector<std::string> emails = ExtractEmails(request.question);

  // 1. Which FAQ.
  const FaqDef* faq = nullptr;
  double confidence = 1.0;
  MatchOutcome match;
  if (!request.faq.empty()) {
    faq = rules.FindFaq(request.faq);
    if (faq == nullptr) return NotFoundError("unknown FAQ id '" + request.faq + "'");
  } else {
    match = rules.Match(MaskNames(*view, *asker, now, request.question, emails));
    faq = match.faq;
    confidence = match.confidence;
    answer.alternatives = &match.alternatives;
    answer.matched = &match.matched;
  }
  if (faq == nullptr) {
    if (summary) *summary = AnswerSummary{request.tenant, request.asker, "", "", 0, {}, false};
    return WriteAnswer(answer);
  }
  answer.faq = faq;
  answer.answer_json = rules.AnswerJson(*faq);
  answer.confidence = confidence;

  // 2. What the question says.
  QuestionFacts question;
  question.text = request.question;
  question.emails = std::move(emails);
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
  answer.needs = &needs;

  // Subject description for the client.
  answer.subject = subject;
  answer.other = other;
  answer.email_subject = email_subject;
  if (kind == "tenant") answer.tenant = &request.tenant;

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
    if (summary && subject) summary->subject_user = subject_id;
    return WriteAnswer(answer);
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
  EvidenceFilter filter = [&](std::string_view path, const Value& value, std::string* json) {
    return redactor.Filter(root_record, path, value, json);
  };
  DiagnosisSummary diagnosis = rules.Diagnose(faq->id, ctx, filter, &answer.diagnosis);
  if (summary) {
    *summary = AnswerSummary{request.tenant, request.asker, faq->id, subject_id, confidence,
                             std::move(diagnosis.causes), diagnosis.blocking};
    if (subject) summary->subject_user = subject_id;
  }
  return WriteAnswer(answer);
}

}  // namespace whyd
