// Building a TenantView from a validated snapshot, and its lookups; see
// store_tenant.h and store.h.
#include "knowledge/store_tenant.h"

#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "engine/time_util.h"
#include "knowledge/account_schema.h"
#include "knowledge/snapshot_validator.h"
#include "knowledge/visibility.h"

namespace whyd {
namespace {

using json = nlohmann::json;

Value ToValue(const FieldSpec& spec, const json& v, FactArena& arena) {
  if (v.is_null()) return Value::Null();
  switch (spec.shape) {
    case Shape::kString:
    case Shape::kEnum: return arena.StringValue(v.get_ref<const std::string&>());
    case Shape::kInt: return Value::Int(v.get<int64_t>());
    case Shape::kBool: return Value::Bool(v.get<bool>());
    case Shape::kDate: return Value::Date(*ParseDate(v.get_ref<const std::string&>()));
    case Shape::kTime: return Value::Time(*ParseTimestamp(v.get_ref<const std::string&>()));
    case Shape::kStringList:
    case Shape::kEnumList: {
      Value* items = nullptr;
      List* list = arena.NewList(v.size(), &items);
      for (size_t i = 0; i < v.size(); ++i) items[i] = arena.StringValue(v[i].get_ref<const std::string&>());
      return Value::OfList(list);
    }
    case Shape::kObject: break;
  }
  return Value();
}

Record* ToRecord(const std::vector<FieldSpec>& specs, const RecordType* type, const json& obj,
                 FactArena& arena) {
  Record* r = arena.NewRecord(type);
  for (const FieldSpec& spec : specs) {
    if (spec.field < 0) continue;
    auto it = obj.find(spec.key);
    if (it == obj.end()) continue;
    r->set(spec.field, ToValue(spec, *it, arena));
  }
  return r;
}

std::string_view Str(const Record* r, int field) {
  const Value& v = r->get(field);
  return v.kind() == Kind::kString ? v.as_string() : std::string_view();
}

Value RecordList(const std::vector<const Record*>& records, FactArena& arena) {
  Value* items = nullptr;
  List* list = arena.NewList(records.size(), &items);
  for (size_t i = 0; i < records.size(); ++i) items[i] = Value::OfRecord(records[i]);
  return Value::OfList(list);
}

Value StringList(const std::vector<std::string_view>& strings, FactArena& arena) {
  Value* items = nullptr;
  List* list = arena.NewList(strings.size(), &items);
  for (size_t i = 0; i < strings.size(); ++i) items[i] = Value::String(strings[i]);  // already arena-owned
  return Value::OfList(list);
}

int64_t TimeOr(const Record* r, int field, int64_t fallback) {
  const Value& v = r->get(field);
  return v.kind() == Kind::kTime ? v.as_time() : fallback;
}

const std::vector<const Record*> kNoRecords;

}  // namespace

std::shared_ptr<const TenantView> BuildTenantView(const json& doc) {
  const AccountFields& F = Fields();
  auto rep = std::make_unique<TenantView::Rep>();
  FactArena& arena = rep->arena;
  const json& tenant = doc.at("tenant");
  rep->id = tenant.at("id").get<std::string>();
  if (auto it = doc.find("as_of"); it != doc.end() && it->is_string()) {
    rep->as_of = ParseTimestamp(it->get_ref<const std::string&>()).value_or(0);
  }
  Record* t = arena.NewRecord(F.tenant);
  t->set(F.t.id, arena.StringValue(rep->id));
  if (auto it = tenant.find("name"); it != tenant.end()) {
    t->set(F.t.name, it->is_string() ? arena.StringValue(it->get_ref<const std::string&>()) : Value::Null());
  }
  static const json kEmptyObject = json::object();
  auto settings = tenant.find("settings");
  t->set(F.t.settings, Value::OfRecord(ToRecord(
      SettingsSpec(), F.settings,
      settings != tenant.end() && settings->is_object() ? *settings : kEmptyObject, arena)));
  rep->tenant = t;

  auto collection = [&](std::string_view name) -> const json& {
    static const json kEmptyArray = json::array();
    auto it = doc.find(name);
    return it != doc.end() && it->is_array() ? *it : kEmptyArray;
  };

  // Groups, with their roots and ancestor chains.
  const CollectionSpec& group_spec = *FindCollection("groups");
  std::vector<Record*> groups;
  for (const json& g : collection("groups")) {
    Record* r = ToRecord(group_spec.fields, F.group, g, arena);
    groups.push_back(r);
    rep->group_by_id.emplace(Str(r, F.g.id), r);
  }
  std::unordered_map<const Record*, std::vector<std::string_view>> lineage;  // self first, root last
  for (Record* g : groups) {
    std::vector<std::string_view>& chain = lineage[g];
    const Record* cur = g;
    while (cur != nullptr && chain.size() <= groups.size()) {
      chain.push_back(Str(cur, F.g.id));
      auto p = rep->group_by_id.find(Str(cur, F.g.parent));
      cur = p == rep->group_by_id.end() ? nullptr : p->second;
    }
    g->set(F.g.root, Value::String(chain.back()));
  }

  const CollectionSpec& org_spec = *FindCollection("organisations");
  for (const json& o : collection("organisations")) {
    Record* r = ToRecord(org_spec.fields, F.organisation, o, arena);
    rep->org_by_id.emplace(Str(r, F.o.id), r);
  }

  // Users and the derived fields that do not depend on the time of asking.
  const CollectionSpec& user_spec = *FindCollection("users");
  std::vector<Record*> users;
  std::unordered_map<std::string_view, size_t> user_index;
  for (const json& u : collection("users")) {
    Record* r = ToRecord(user_spec.fields, F.user, u, arena);
    user_index.emplace(Str(r, F.u.id), users.size());
    users.push_back(r);
    rep->user_by_id.emplace(Str(r, F.u.id), r);

    const Value& first = r->get(F.u.first_name);
    const Value& last = r->get(F.u.last_name);
    if (!first.is_empty() || !last.is_empty()) {
      std::string name(Str(r, F.u.first_name));
      name += ' ';
      name += Str(r, F.u.last_name);
      r->set(F.u.display_name, arena.StringValue(name));
    }
    std::vector<const Record*> own_groups;
    std::vector<std::string_view> chain_ids, roots;
    if (const Value& ids = r->get(F.u.group_ids); ids.kind() == Kind::kList) {
      for (const Value& id : *ids.as_list()) {
        auto g = rep->group_by_id.find(id.as_string());
        if (g == rep->group_by_id.end()) continue;
        own_groups.push_back(g->second);
        for (std::string_view a : lineage[g->second]) {
          if (std::find(chain_ids.begin(), chain_ids.end(), a) == chain_ids.end()) chain_ids.push_back(a);
        }
        std::string_view root = lineage[g->second].back();
        if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
      }
      r->set(F.u.groups, RecordList(own_groups, arena));
      r->set(F.u.group_lineage, StringList(chain_ids, arena));
      r->set(F.u.group_roots, StringList(roots, arena));
    }
    if (const Value& org = r->get(F.u.organisation_id); org.kind() == Kind::kString) {
      auto o = rep->org_by_id.find(org.as_string());
      r->set(F.u.organisation, o == rep->org_by_id.end() ? Value::Null() : Value::OfRecord(o->second));
    } else if (org.is_null()) {
      r->set(F.u.organisation, Value::Null());
    }
  }

  // Related records, bucketed per user in snapshot order.
  struct Related {
    std::vector<const Record*> programmes, ilr, documents, emails, sign_ins;
  };
  std::vector<Related> related(users.size());
  auto bucket = [&](std::string_view name, const RecordType* type, std::string_view owner_key,
                    std::vector<const Record*> Related::*member) {
    const CollectionSpec& spec = *FindCollection(name);
    for (const json& item : collection(name)) {
      Record* r = ToRecord(spec.fields, type, item, arena);
      auto owner = user_index.find(item.at(owner_key).get_ref<const std::string&>());
      if (owner != user_index.end()) (related[owner->second].*member).push_back(r);
    }
  };
  bucket("programmes", F.programme, "learner_id", &Related::programmes);
  bucket("ilr_episodes", F.ilr_episode, "learner_id", &Related::ilr);
  bucket("documents", F.document, "learner_id", &Related::documents);
  bucket("emails", F.email, "user_id", &Related::emails);
  bucket("sign_ins", F.sign_in, "user_id", &Related::sign_ins);

  for (size_t i = 0; i < users.size(); ++i) {
    Record* u = users[i];
    Related& rel = related[i];
    // Newest activation email: greatest sent_at, a tie goes to the later one.
    const Record* newest = nullptr;
    for (const Record* e : rel.emails) {
      if (Str(e, F.e.kind) != "activation") continue;
      if (newest == nullptr || TimeOr(e, F.e.sent_at, INT64_MIN) >= TimeOr(newest, F.e.sent_at, INT64_MIN)) newest = e;
    }
    u->set(F.u.newest_activation_email, newest ? Value::OfRecord(newest) : Value::Null());
    auto by_time = [](int field) {
      return [field](const Record* a, const Record* b) {
        return TimeOr(a, field, INT64_MIN) < TimeOr(b, field, INT64_MIN);
      };
    };
    std::stable_sort(rel.emails.begin(), rel.emails.end(), by_time(F.e.sent_at));
    std::stable_sort(rel.sign_ins.begin(), rel.sign_ins.end(), by_time(F.si.at));
    u->set(F.u.programmes, RecordList(rel.programmes, arena));
    u->set(F.u.ilr_episodes, RecordList(rel.ilr, arena));
    u->set(F.u.documents, RecordList(rel.documents, arena));
    u->set(F.u.emails, RecordList(rel.emails, arena));
    u->set(F.u.sign_ins, RecordList(rel.sign_ins, arena));
  }

  // Indexes.
  for (Record* u : users) {
    rep->users.push_back(u);
    std::string_view type = Str(u, F.u.type);
    if (type == "admin") rep->admins.push_back(u);
    if (type == "employer") {
      std::string_view org = Str(u, F.u.organisation_id);
      if (!org.empty()) rep->employers_by_org[org].push_back(u);
    }
    for (int field : {F.u.email, F.u.username}) {
      std::string key = NormaliseKey(Str(u, field));
      if (!key.empty()) rep->user_by_login.emplace(arena.CopyString(key), u);
    }
    if (const Value& name = u->get(F.u.display_name); name.kind() == Kind::kString) {
      std::string key = NormaliseKey(name.as_string());
      auto it = rep->users_by_name.find(key);
      if (it == rep->users_by_name.end()) it = rep->users_by_name.emplace(arena.CopyString(key), std::vector<const Record*>{}).first;
      it->second.push_back(u);
    }
  }
  return std::make_shared<TenantView>(std::move(rep));
}

TenantView::TenantView(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
TenantView::~TenantView() = default;

std::string_view TenantView::id() const { return rep_->id; }
int64_t TenantView::as_of() const { return rep_->as_of; }
const Record* TenantView::tenant() const { return rep_->tenant; }
const std::vector<const Record*>& TenantView::users() const { return rep_->users; }
const std::vector<const Record*>& TenantView::admins() const { return rep_->admins; }

const Record* TenantView::FindUser(std::string_view id) const {
  auto it = rep_->user_by_id.find(id);
  return it == rep_->user_by_id.end() ? nullptr : it->second;
}

const Record* TenantView::FindGroup(std::string_view id) const {
  auto it = rep_->group_by_id.find(id);
  return it == rep_->group_by_id.end() ? nullptr : it->second;
}

const Record* TenantView::FindOrganisation(std::string_view id) const {
  auto it = rep_->org_by_id.find(id);
  return it == rep_->org_by_id.end() ? nullptr : it->second;
}

const Record* TenantView::FindUserByLogin(std::string_view address) const {
  std::string key = NormaliseKey(address);
  if (key.empty()) return nullptr;
  auto it = rep_->user_by_login.find(key);
  return it == rep_->user_by_login.end() ? nullptr : it->second;
}

const std::vector<const Record*>& TenantView::FindUsersByDisplayName(std::string_view name) const {
  auto it = rep_->users_by_name.find(NormaliseKey(name));
  return it == rep_->users_by_name.end() ? kNoRecords : it->second;
}

std::vector<const Record*> TenantView::AdminsMatchingCaseOwner(std::string_view value,
                                                               int64_t now) const {
  const AccountFields& F = Fields();
  std::vector<const Record*> out;
  auto keep = [&](const Record* u) {
    if (u != nullptr && Str(u, F.u.type) == "admin" && !IsInactive(*u, now) &&
        std::find(out.begin(), out.end(), u) == out.end()) {
      out.push_back(u);
    }
  };
  if (value.find('@') != std::string_view::npos) {
    keep(FindUserByLogin(value));
  } else {
    for (const Record* u : FindUsersByDisplayName(value)) keep(u);
  }
  return out;
}

const std::vector<const Record*>& TenantView::EmployersOf(std::string_view organisation_id) const {
  auto it = rep_->employers_by_org.find(organisation_id);
  return it == rep_->employers_by_org.end() ? kNoRecords : it->second;
}

std::vector<UserSummary> TenantView::UsersVisibleTo(const Record& asker, int64_t now) const {
  const AccountFields& F = Fields();
  std::vector<UserSummary> out;
  for (const Record* u : rep_->users) {
    if (!MayView(asker, *u, now)) continue;
    out.push_back({Str(u, F.u.id), Str(u, F.u.display_name), Str(u, F.u.email)});
  }
  return out;
}

}  // namespace whyd
