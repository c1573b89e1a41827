// Attachment facts; see attachment_facts.h.
#include "knowledge/attachment_facts.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "knowledge/account_schema.h"
#include "knowledge/csv.h"
#include "knowledge/facts_gatherer.h"
#include "knowledge/snapshot_validator.h"
#include "knowledge/visibility.h"

namespace whyd {
namespace {

constexpr size_t kSuggestions = 3;

std::string_view Str(const Record& r, int field) {
  const Value& v = r.get(field);
  return v.kind() == Kind::kString ? v.as_string() : std::string_view();
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Value UserList(const TenantView& tenant, const std::vector<const Record*>& users, int64_t now,
               FactArena& arena) {
  Value* items = nullptr;
  List* list = arena.NewList(users.size(), &items);
  for (size_t i = 0; i < users.size(); ++i) {
    items[i] = Value::OfRecord(BuildUserFacts(tenant, *users[i], now, 0, arena));
  }
  return Value::OfList(list);
}

Value Strings(const std::vector<std::string_view>& strings, FactArena& arena) {
  Value* items = nullptr;
  List* list = arena.NewList(strings.size(), &items);
  for (size_t i = 0; i < strings.size(); ++i) items[i] = arena.StringValue(strings[i]);
  return Value::OfList(list);
}

// SSO Enabled cell: 1 = true, 0 = false (or blank), -1 = not a valid value.
int ParseSsoCell(std::string_view cell) {
  std::string v = NormaliseKey(cell);
  if (v.empty() || v == "false" || v == "no" || v == "0") return 0;
  if (v == "true" || v == "yes" || v == "1") return 1;
  return -1;
}

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitute = prev[j - 1] + (Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string_view> ClosestAdminNames(const TenantView& tenant, std::string_view value,
                                                size_t limit) {
  struct Candidate {
    size_t distance;
    std::string_view name;
  };
  std::vector<Candidate> candidates;
  const std::string_view wanted = Trim(value);
  for (const Record* admin : tenant.admins()) {
    std::string_view name = Str(*admin, Fields().u.display_name);
    if (name.empty()) continue;
    bool seen = std::any_of(candidates.begin(), candidates.end(),
                            [&](const Candidate& c) { return NormaliseKey(c.name) == NormaliseKey(name); });
    if (!seen) candidates.push_back({EditDistance(wanted, name), name});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
  std::vector<std::string_view> out;
  for (size_t i = 0; i < candidates.size() && i < limit; ++i) out.push_back(candidates[i].name);
  return out;
}

StatusOr<const Record*> BuildCsvFacts(const TenantView& tenant, std::string_view csv_text,
                                      int64_t now, FactArena& arena) {
  const AccountFields& F = Fields();
  StatusOr<CsvTable> parsed = ParseCsv(csv_text);
  if (!parsed.ok()) return parsed.status();
  const CsvTable& table = *parsed;
  int email_col = -1;
  for (std::string_view name : {"email", "email_address", "learner_email"}) {
    if (email_col < 0) email_col = table.FindColumn(name);
  }
  if (email_col < 0) {
    std::string header;
    for (const std::string& h : table.header) header += (header.empty() ? "" : ", ") + h;
    return InvalidArgumentError("the CSV has no email column (its header is: " + header +
                                "); a learner import needs one");
  }
  const int first_col = table.FindColumn("first_name");
  const int last_col = table.FindColumn("last_name");
  const int owner_col = table.FindColumn("case_owner");
  const int sso_col = table.FindColumn("sso_enabled");

  Record* csv = arena.NewRecord(F.csv);
  std::vector<std::string_view> header;
  std::vector<std::string> normalised;
  normalised.reserve(table.header.size());
  for (const std::string& h : table.header) normalised.push_back(NormaliseHeader(h));
  for (const std::string& h : normalised) header.push_back(h);
  csv->set(F.c.header, Strings(header, arena));
  csv->set(F.c.row_count, Value::Int(static_cast<int64_t>(table.rows.size())));
  csv->set(F.c.has_case_owner_column, Value::Bool(owner_col >= 0));
  csv->set(F.c.has_sso_column, Value::Bool(sso_col >= 0));

  Value* rows = nullptr;
  List* row_list = arena.NewList(table.rows.size(), &rows);
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const CsvRow& in = table.rows[r];
    Record* row = arena.NewRecord(F.csv_row);
    row->set(F.cr.row, Value::Int(in.row));
    if (first_col >= 0) row->set(F.cr.first_name, arena.StringValue(Trim(in.cells[first_col])));
    if (last_col >= 0) row->set(F.cr.last_name, arena.StringValue(Trim(in.cells[last_col])));
    const std::string_view email = Trim(in.cells[email_col]);
    row->set(F.cr.email, arena.StringValue(email));
    const Record* learner = tenant.FindUserByLogin(email);
    if (learner != nullptr && NormaliseKey(Str(*learner, F.u.email)) != NormaliseKey(email)) learner = nullptr;
    row->set(F.cr.learner_matches, Value::Int(learner ? 1 : 0));
    if (learner) row->set(F.cr.learner, Value::OfRecord(BuildUserFacts(tenant, *learner, now, 0, arena)));

    if (owner_col >= 0) {
      const std::string_view owner = Trim(in.cells[owner_col]);
      row->set(F.cr.case_owner, arena.StringValue(owner));
      if (!owner.empty()) {  // a blank cell names nobody: nothing to resolve
        const bool by_email = owner.find('@') != std::string_view::npos;
        row->set(F.cr.case_owner_by, Value::String(by_email ? "email" : "name"));
        std::vector<const Record*> matches = tenant.AdminsMatchingCaseOwner(owner, now);
        row->set(F.cr.case_owner_matches, Value::Int(static_cast<int64_t>(matches.size())));
        row->set(F.cr.case_owner_candidates, UserList(tenant, matches, now, arena));
        std::vector<std::string_view> suggestions;
        if (matches.empty()) suggestions = ClosestAdminNames(tenant, owner, kSuggestions);
        row->set(F.cr.case_owner_suggestions, Strings(suggestions, arena));
      }
    }
    if (sso_col >= 0) {
      const std::string_view cell = in.cells[sso_col];
      row->set(F.cr.sso_enabled, arena.StringValue(Trim(cell)));
      const int sso = ParseSsoCell(cell);
      row->set(F.cr.sso_valid, Value::Bool(sso >= 0));
      row->set(F.cr.sso_requested, Value::Bool(sso == 1));
    }
    rows[r] = Value::OfRecord(row);
  }
  csv->set(F.c.rows, Value::OfList(row_list));
  return static_cast<const Record*>(csv);
}

StatusOr<const Record*> BuildApiRequestFacts(const TenantView& tenant,
                                             std::string_view request_json, int64_t now,
                                             FactArena& arena) {
  const AccountFields& F = Fields();
  nlohmann::json body = nlohmann::json::parse(request_json, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return InvalidArgumentError("the API request is not valid JSON");
  if (!body.is_object()) {
    return InvalidArgumentError("the API request must be a JSON object like {\"first_name\", \"last_name\", \"email\", \"case_owner\", \"groups\", \"organisation_id\"}");
  }
  Record* req = arena.NewRecord(F.api_request);
  struct StringField {
    const char* key;
    int field;
  };
  for (const StringField& sf : {StringField{"first_name", F.ar.first_name}, {"last_name", F.ar.last_name},
                                {"email", F.ar.email}, {"case_owner", F.ar.case_owner},
                                {"organisation_id", F.ar.organisation_id}}) {
    auto it = body.find(sf.key);
    if (it == body.end()) continue;
    if (it->is_null()) {
      req->set(sf.field, Value::Null());
    } else if (it->is_string()) {
      req->set(sf.field, arena.StringValue(it->get_ref<const std::string&>()));
    } else {
      return InvalidArgumentError(std::string("api_request.") + sf.key + ": expected a string");
    }
  }
  if (auto it = body.find("groups"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgumentError("api_request.groups: expected an array of group ids");
    std::vector<std::string_view> ids, roots;
    for (size_t i = 0; i < it->size(); ++i) {
      const auto& g = (*it)[i];
      if (!g.is_string()) {
        return InvalidArgumentError("api_request.groups[" + std::to_string(i) + "]: expected a group id string");
      }
      ids.push_back(g.get_ref<const std::string&>());
      const Record* group = tenant.FindGroup(g.get_ref<const std::string&>());
      if (group == nullptr) continue;  // unknown groups have no tree
      std::string_view root = Str(*group, F.g.root);
      if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
    }
    req->set(F.ar.groups, Strings(ids, arena));
    req->set(F.ar.group_roots, Strings(roots, arena));
  }
  const Value& owner = req->get(F.ar.case_owner);
  if (owner.kind() == Kind::kString && !Trim(owner.as_string()).empty()) {
    const Record* user = tenant.FindUser(Trim(owner.as_string()));
    if (user == nullptr) user = tenant.FindUserByLogin(owner.as_string());
    req->set(F.ar.case_owner_found, Value::Bool(user != nullptr));
    if (user) req->set(F.ar.case_owner_user, Value::OfRecord(BuildUserFacts(tenant, *user, now, 0, arena)));
  } else {
    req->set(F.ar.case_owner_found, Value::Bool(false));
  }
  return static_cast<const Record*>(req);
}

}  // namespace whyd
