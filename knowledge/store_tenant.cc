// Building a TenantView from a snapshot, and its lookups; see store_tenant.h
// and store.h.
#include "knowledge/store_tenant.h"

#include <algorithm>
#include <array>
#include <functional>

#include <nlohmann/json.hpp>

#include "engine/record_codec.h"
#include "engine/time_util.h"
#include "knowledge/account_schema.h"
#include "knowledge/mentions.h"
#include "knowledge/snapshot_validator.h"
#include "knowledge/visibility.h"

namespace whyd {
namespace {

using json = nlohmann::json;

uint64_t HashKey(std::string_view key) { return std::hash<std::string_view>{}(key); }

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// NormaliseKey(stored) == key, without building the normalised string.
bool SameKey(std::string_view stored, std::string_view key) {
  stored = Trim(stored);
  if (stored.size() != key.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = stored[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != key[i]) return false;
  }
  return true;
}

std::string_view Str(const Record* r, int field) {
  const Value& v = r->get(field);
  return v.kind() == Kind::kString ? v.as_string() : std::string_view();
}

int64_t TimeOr(const Record* r, int field, int64_t fallback) {
  const Value& v = r->get(field);
  return v.kind() == Kind::kTime ? v.as_time() : fallback;
}

// The five collections of records that belong to one user, in blob order.
struct RelatedCollection {
  std::string_view name;
  const RecordType* type;
  std::string_view owner_key;  // the JSON key naming the owning user
  int user_field;              // the list field of the user record
  int time_field;              // kept sorted by this time (oldest first), or -1
};

const std::array<RelatedCollection, 5>& RelatedCollections() {
  const AccountFields& F = Fields();
  static const std::array<RelatedCollection, 5> collections = {{
      {"programmes", F.programme, "learner_id", F.u.programmes, -1},
      {"ilr_episodes", F.ilr_episode, "learner_id", F.u.ilr_episodes, -1},
      {"documents", F.document, "learner_id", F.u.documents, -1},
      {"emails", F.email, "user_id", F.u.emails, F.e.sent_at},
      {"sign_ins", F.sign_in, "user_id", F.u.sign_ins, F.si.at},
  }};
  return collections;
}

// Calls match(user) for the users of `index` under `hash` until it returns false.
template <typename Match>
void ForEachHit(const HashIndex& index, uint64_t hash, Match match) {
  index.ForEach(hash, match);
}

uint64_t HashRecord(const Record* r) {
  // Fibonacci hashing spreads aligned addresses over the whole word.
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(r)) * 0x9E3779B97F4A7C15ull;
}

const std::vector<const Record*> kNoRecords;

constexpr size_t kMaxNameWords = 12;

}  // namespace

namespace {

// The value of one JSON field as its record field holds it. Strings go
// through `string_of` (a copy into the view's arena, interned or not).
template <typename StringOf>
Value ToValue(const FieldSpec& spec, const json& v, FactArena& arena, StringOf string_of) {
  if (v.is_null()) return Value::Null();
  switch (spec.shape) {
    case Shape::kString:
    case Shape::kEnum: return Value::String(string_of(v.get_ref<const std::string&>()));
    case Shape::kInt: return Value::Int(v.get<int64_t>());
    case Shape::kBool: return Value::Bool(v.get<bool>());
    case Shape::kDate: {
      auto d = ParseDate(v.get_ref<const std::string&>());
      return d ? Value::Date(*d) : Value::Null();
    }
    case Shape::kTime: {
      auto t = ParseTimestamp(v.get_ref<const std::string&>());
      return t ? Value::Time(*t) : Value::Null();
    }
    case Shape::kStringList:
    case Shape::kEnumList: {
      Value* items = nullptr;
      List* list = arena.NewList(v.size(), &items);
      for (size_t i = 0; i < v.size(); ++i) items[i] = Value::String(string_of(v.at(i).get_ref<const std::string&>()));
      return Value::OfList(list);
    }
    case Shape::kObject: break;
  }
  return Value();
}

template <typename StringOf>
Record* ToRecord(const std::vector<FieldSpec>& specs, const RecordType* type, const json& obj,
                 FactArena& arena, StringOf string_of) {
  Record* r = arena.NewRecord(type);
  for (const FieldSpec& spec : specs) {
    if (spec.field < 0) continue;
    auto it = obj.find(spec.key);
    if (it == obj.end()) continue;
    r->set(spec.field, ToValue(spec, *it, arena, [&](std::string_view s) { return string_of(spec, s); }));
  }
  return r;
}

// Enumerations and references repeat across records: one copy each.
bool WorthInterning(const FieldSpec& spec) {
  return spec.shape == Shape::kEnum || spec.shape == Shape::kEnumList || !spec.ref.empty();
}

}  // namespace

struct TenantViewBuilder::Pending {
  std::vector<Record*> groups;
  std::unordered_map<const Record*, std::vector<std::string_view>> lineage;  // self first, root last
  bool groups_done = false;
  std::unordered_set<std::string_view> interned;  // strings in rep_->arena
  struct GroupLists {
    Value group_ids, groups, lineage, roots;
  };
  std::unordered_map<std::string, GroupLists> group_lists;  // by the user's group ids, joined
  std::unordered_map<std::string_view, uint32_t> user_index;
  struct RelatedRecord {
    uint8_t collection;
    int64_t time;
    std::string bytes;
  };
  std::vector<std::vector<RelatedRecord>> related;  // per user
  std::vector<std::string_view> copied_related;     // per user: encoded bytes of an earlier view
  FactArena scratch;                                // records on their way to being encoded
  size_t scratch_records = 0;
  Value empty_strings;  // one shared empty list
};

TenantViewBuilder::TenantViewBuilder(const json& head)
    : rep_(std::make_unique<TenantView::Rep>()), pending_(std::make_unique<Pending>()) {
  const AccountFields& F = Fields();
  FactArena& arena = rep_->arena;
  const json& tenant = head.at("tenant");
  rep_->id = tenant.at("id").get<std::string>();
  if (auto it = head.find("as_of"); it != head.end() && it->is_string()) {
    rep_->as_of = ParseTimestamp(it->get_ref<const std::string&>()).value_or(0);
  }
  Record* t = arena.NewRecord(F.tenant);
  t->set(F.t.id, arena.StringValue(rep_->id));
  if (auto it = tenant.find("name"); it != tenant.end()) {
    t->set(F.t.name, it->is_string() ? arena.StringValue(it->get_ref<const std::string&>()) : Value::Null());
  }
  static const json kEmptyObject = json::object();
  auto settings = tenant.find("settings");
  const json& settings_obj = settings != tenant.end() && settings->is_object() ? *settings : kEmptyObject;
  Record* s = ToRecord(SettingsSpec(), F.settings, settings_obj, arena,
                       [&](const FieldSpec&, std::string_view text) { return arena.CopyString(text); });
  t->set(F.t.settings, Value::OfRecord(s));
  rep_->tenant = t;
  Value* no_items = nullptr;
  pending_->empty_strings = Value::OfList(arena.NewList(size_t{0}, &no_items));
}

TenantViewBuilder::~TenantViewBuilder() = default;

std::string_view TenantViewBuilder::Intern(std::string_view s) {
  auto it = pending_->interned.find(s);
  if (it != pending_->interned.end()) return *it;
  return *pending_->interned.insert(rep_->arena.CopyString(s)).first;
}


void HashIndex::Seal() {
  size_t size = 16;
  while (size < pending_.size() * 2) size <<= 1;  // at most half full: short probes
  slots_.assign(size, Slot{});
  mask_ = size - 1;
  for (const auto& [hash, user] : pending_) {
    size_t i = hash & mask_;
    while (slots_[i].user_plus_one != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{static_cast<uint32_t>(hash >> 32), user + 1};
  }
  std::vector<std::pair<uint64_t, uint32_t>>().swap(pending_);
}

void TenantViewBuilder::AddGroup(const json& group) {
  const CollectionSpec& spec = *FindCollection("groups");
  Record* r = ToRecord(spec.fields, Fields().group, group, rep_->arena,
                       [&](const FieldSpec&, std::string_view s) { return Intern(s); });
  pending_->groups.push_back(r);
  rep_->group_by_id.emplace(Str(r, Fields().g.id), r);
}

void TenantViewBuilder::FinishGroups() {
  if (pending_->groups_done) return;
  pending_->groups_done = true;
  const AccountFields& F = Fields();
  for (Record* g : pending_->groups) {
    std::vector<std::string_view>& chain = pending_->lineage[g];
    const Record* cur = g;
    while (cur != nullptr && chain.size() <= pending_->groups.size()) {
      chain.push_back(Str(cur, F.g.id));
      auto p = rep_->group_by_id.find(Str(cur, F.g.parent));
      cur = p == rep_->group_by_id.end() ? nullptr : p->second;
    }
    g->set(F.g.root, Value::String(chain.back()));
  }
}

void TenantViewBuilder::AddOrganisation(const json& organisation) {
  const CollectionSpec& spec = *FindCollection("organisations");
  Record* r = ToRecord(spec.fields, Fields().organisation, organisation, rep_->arena,
                       [&](const FieldSpec& f, std::string_view s) {
                         return WorthInterning(f) ? Intern(s) : rep_->arena.CopyString(s);
                       });
  rep_->org_by_id.emplace(Str(r, Fields().o.id), r);
}

void TenantViewBuilder::AddUser(const json& user) {
  FinishGroups();
  FactArena& arena = rep_->arena;
  Record* r = ToRecord(FindCollection("users")->fields, Fields().user, user, arena,
                       [&](const FieldSpec& f, std::string_view s) {
                         return WorthInterning(f) ? Intern(s) : arena.CopyString(s);
                       });
  FinishUser(r);
}

void TenantViewBuilder::AddUserFrom(const TenantView& previous, const Record& user) {
  FinishGroups();
  const int64_t old_index = previous.rep_->IndexOf(user);
  if (old_index < 0) return;
  FactArena& arena = rep_->arena;
  Record* r = arena.NewRecord(Fields().user);
  for (const FieldSpec& spec : FindCollection("users")->fields) {
    if (spec.field < 0) continue;
    const bool intern = WorthInterning(spec);
    auto copy = [&](std::string_view s) { return intern ? Intern(s) : arena.CopyString(s); };
    const Value& v = user.get(spec.field);
    if (v.kind() == Kind::kString) {
      r->set(spec.field, Value::String(copy(v.as_string())));
    } else if (v.kind() == Kind::kList) {
      Value* items = nullptr;
      List* list = arena.NewList(v.as_list()->size, &items);
      for (uint32_t i = 0; i < v.as_list()->size; ++i) {
        const Value& item = v.as_list()->items[i];
        items[i] = item.kind() == Kind::kString ? Value::String(copy(item.as_string())) : item;
      }
      r->set(spec.field, Value::OfList(list));
    } else {
      r->set(spec.field, v);  // scalars; stored fields hold no records
    }
  }
  const size_t index = rep_->users.size();
  FinishUser(r);
  pending_->copied_related.resize(index + 1);
  pending_->copied_related[index] = previous.rep_->related[static_cast<size_t>(old_index)];
}

void TenantViewBuilder::FinishUser(Record* r) {
  const AccountFields& F = Fields();
  FactArena& arena = rep_->arena;
  const auto index = static_cast<uint32_t>(rep_->users.size());
  pending_->user_index.emplace(Str(r, F.u.id), index);
  rep_->users.push_back(r);

  const Value& first = r->get(F.u.first_name);
  const Value& last = r->get(F.u.last_name);
  if (!first.is_empty() || !last.is_empty()) {
    std::string name(Str(r, F.u.first_name));
    name += ' ';
    name += Str(r, F.u.last_name);
    r->set(F.u.display_name, arena.StringValue(name));
  }

  // The group-derived lists depend only on the user's groups: users with the
  // same groups share them.
  const Value& ids = r->get(F.u.group_ids);
  if (ids.is_null()) r->set(F.u.group_ids, pending_->empty_strings);  // known: no groups
  if (ids.kind() == Kind::kList) {
    std::string key;
    for (const Value& id : *ids.as_list()) {
      key += id.as_string();
      key += '\x1f';
    }
    auto [cached, inserted] = pending_->group_lists.try_emplace(key);
    if (inserted) {
      std::vector<Value> own_groups;
      std::vector<Value> chain_ids, roots;
      auto add_unique = [](std::vector<Value>& to, std::string_view s) {
        for (const Value& v : to) {
          if (v.as_string() == s) return;
        }
        to.push_back(Value::String(s));
      };
      for (const Value& id : *ids.as_list()) {
        auto g = rep_->group_by_id.find(id.as_string());
        if (g == rep_->group_by_id.end()) continue;
        own_groups.push_back(Value::OfRecord(g->second));
        const std::vector<std::string_view>& lineage = pending_->lineage[g->second];
        for (std::string_view a : lineage) add_unique(chain_ids, a);
        add_unique(roots, lineage.back());
      }
      cached->second = {ids, Value::OfList(arena.NewList(own_groups.data(), own_groups.size())),
                        Value::OfList(arena.NewList(chain_ids.data(), chain_ids.size())),
                        Value::OfList(arena.NewList(roots.data(), roots.size()))};
    }
    r->set(F.u.group_ids, cached->second.group_ids);
    r->set(F.u.groups, cached->second.groups);
    r->set(F.u.group_lineage, cached->second.lineage);
    r->set(F.u.group_roots, cached->second.roots);
  }
  if (const Value& org = r->get(F.u.organisation_id); org.kind() == Kind::kString) {
    auto o = rep_->org_by_id.find(org.as_string());
    r->set(F.u.organisation, o == rep_->org_by_id.end() ? Value::Null() : Value::OfRecord(o->second));
  } else if (org.is_null()) {
    r->set(F.u.organisation, Value::Null());
  }
}

void TenantViewBuilder::AddRelated(std::string_view collection, const json& record) {
  const auto& collections = RelatedCollections();
  auto c = std::find_if(collections.begin(), collections.end(),
                        [&](const RelatedCollection& rc) { return rc.name == collection; });
  if (c == collections.end()) return;
  auto owner = pending_->user_index.find(record.at(c->owner_key).get_ref<const std::string&>());
  if (owner == pending_->user_index.end()) return;
  FactArena& scratch = pending_->scratch;
  const CollectionSpec& spec = *FindCollection(collection);
  Record* r = ToRecord(spec.fields, c->type, record, scratch,
                       [&](const FieldSpec&, std::string_view s) { return scratch.CopyString(s); });
  Pending::RelatedRecord related{static_cast<uint8_t>(c - collections.begin()),
                                 c->time_field < 0 ? 0 : TimeOr(r, c->time_field, INT64_MIN), {}};
  EncodeRecord(*r, &related.bytes);  // leaf records: every field is encodable
  if (pending_->related.size() <= owner->second) pending_->related.resize(rep_->users.size());
  pending_->related[owner->second].push_back(std::move(related));
  if (++pending_->scratch_records % 4096 == 0) scratch.Reset();
}

std::shared_ptr<const TenantView> TenantViewBuilder::Finish() {
  FinishGroups();
  const AccountFields& F = Fields();
  TenantView::Rep& rep = *rep_;
  const size_t n = rep.users.size();

  // Each user's related records as one byte string: per collection, a count
  // and, when it is not 0, the byte length of the records, then the records,
  // emails and sign-ins oldest first (ties in snapshot order). The length
  // lets a question decode one collection without reading the others.
  pending_->related.resize(n);
  pending_->copied_related.resize(n);
  rep.related.resize(n);
  std::string blob;
  for (size_t i = 0; i < n; ++i) {
    std::vector<Pending::RelatedRecord>& records = pending_->related[i];
    if (records.empty()) {
      // An empty byte string decodes as no records at all.
      rep.related[i] = rep.arena.CopyString(pending_->copied_related[i]);
      continue;
    }
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
      return a.collection != b.collection ? a.collection < b.collection : a.time < b.time;
    });
    blob.clear();
    size_t next = 0;
    for (uint8_t c = 0; c < RelatedCollections().size(); ++c) {
      size_t end = next;
      size_t bytes = 0;
      for (; end < records.size() && records[end].collection == c; ++end) bytes += records[end].bytes.size();
      AppendVarint(end - next, &blob);
      if (end == next) continue;
      AppendVarint(bytes, &blob);
      for (; next < end; ++next) blob += records[next].bytes;
    }
    rep.related[i] = rep.arena.CopyString(blob);
    std::vector<Pending::RelatedRecord>().swap(records);
  }

  for (size_t i = 0; i < n; ++i) {
    const Record* u = rep.users[i];
    const auto index = static_cast<uint32_t>(i);
    rep.user_by_id.Add(HashKey(Str(u, F.u.id)), index);
    rep.user_by_record.Add(HashRecord(u), index);
    std::string email_key = NormaliseKey(Str(u, F.u.email));
    std::string username_key = NormaliseKey(Str(u, F.u.username));
    if (!email_key.empty()) rep.user_by_login.Add(HashKey(email_key), index);
    if (!username_key.empty() && username_key != email_key) {
      rep.user_by_login.Add(HashKey(username_key), index);
    }
    if (const Value& name = u->get(F.u.display_name); name.kind() == Kind::kString) {
      rep.users_by_name.Add(HashKey(NormaliseKey(name.as_string())), index);
      const std::string words = NameWords(name.as_string());
      const std::string_view key =
          words.size() > 2 ? std::string_view(words).substr(1, words.size() - 2) : std::string_view();
      const size_t word_count = std::count(key.begin(), key.end(), ' ') + 1;
      // A name with no letters or digits never matches; one of more than
      // kMaxNameWords words is not looked for, so that a long hostile question
      // costs at most kMaxNameWords lookups per word.
      if (!key.empty() && word_count <= kMaxNameWords) {
        rep.users_by_name_words.Add(HashKey(key), index);
        rep.max_name_words = std::max(rep.max_name_words, word_count);
      }
    }
    std::string_view type = Str(u, F.u.type);
    const bool learner = type == "learner";
    const std::string_view status = Str(u, F.u.status);
    if (learner && status == "cancelled") ++rep.fixed_counts.cancelled_learners;
    if (learner && status == "archived") ++rep.fixed_counts.archived_learners;
    if (const Value& c = u->get(F.u.classic_access); c.kind() == Kind::kBool && c.as_bool()) {
      ++rep.fixed_counts.classic_access_users;
    }
    if (status == "full_user") {
      if (const Value& end = u->get(F.u.subscription_end); end.kind() == Kind::kDate) {
        (learner ? rep.learner_full_ends : rep.other_full_ends).push_back(end.as_date());
        rep.full_by_end.emplace_back(end.as_date(), index);
      } else {
        ++(learner ? rep.fixed_counts.full_learners : rep.fixed_counts.full_others);  // never lapses
      }
    }
    if (type == "admin") rep.admins.push_back(u);
    if (type == "employer") {
      std::string_view org = Str(u, F.u.organisation_id);
      if (!org.empty()) rep.employers_by_org[org].push_back(u);
    }
  }
  for (HashIndex* index : {&rep.user_by_id, &rep.user_by_login, &rep.users_by_name, &rep.users_by_name_words,
                           &rep.user_by_record}) {
    index->Seal();
  }
  std::sort(rep.learner_full_ends.begin(), rep.learner_full_ends.end());
  std::sort(rep.other_full_ends.begin(), rep.other_full_ends.end());
  std::sort(rep.full_by_end.begin(), rep.full_by_end.end());
  rep.users.shrink_to_fit();
  pending_.reset();
  return std::make_shared<TenantView>(std::move(rep_));
}

std::shared_ptr<const TenantView> BuildTenantView(const json& doc) {
  json head = json::object();
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (!it->is_array()) head[it.key()] = *it;
  }
  TenantViewBuilder builder(head);
  auto each = [&](std::string_view name, auto add) {
    auto it = doc.find(name);
    if (it == doc.end() || !it->is_array()) return;
    for (const json& record : *it) add(record);
  };
  each("groups", [&](const json& r) { builder.AddGroup(r); });
  each("organisations", [&](const json& r) { builder.AddOrganisation(r); });
  each("users", [&](const json& r) { builder.AddUser(r); });
  for (const RelatedCollection& c : RelatedCollections()) {
    each(c.name, [&](const json& r) { builder.AddRelated(c.name, r); });
  }
  return builder.Finish();
}

int64_t TenantView::Rep::IndexOf(const Record& user) const {
  int64_t found = -1;
  ForEachHit(user_by_record, HashRecord(&user), [&](uint32_t i) {
    if (users[i] != &user) return true;
    found = i;
    return false;
  });
  return found;
}

TenantView::TenantView(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
TenantView::~TenantView() = default;

std::string_view TenantView::id() const { return rep_->id; }
int64_t TenantView::as_of() const { return rep_->as_of; }
const Record* TenantView::tenant() const { return rep_->tenant; }
const std::vector<const Record*>& TenantView::users() const { return rep_->users; }
const std::vector<const Record*>& TenantView::admins() const { return rep_->admins; }

const Record* TenantView::FindUser(std::string_view id) const {
  const Record* found = nullptr;
  ForEachHit(rep_->user_by_id, HashKey(id), [&](uint32_t i) {
    if (Str(rep_->users[i], Fields().u.id) != id) return true;
    found = rep_->users[i];
    return false;
  });
  return found;
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
  const AccountFields& F = Fields();
  std::string key = NormaliseKey(address);
  if (key.empty()) return nullptr;
  const Record* found = nullptr;
  ForEachHit(rep_->user_by_login, HashKey(key), [&](uint32_t i) {
    const Record* u = rep_->users[i];
    if (!SameKey(Str(u, F.u.email), key) && !SameKey(Str(u, F.u.username), key)) return true;
    found = u;
    return false;
  });
  return found;
}

std::vector<const Record*> TenantView::FindUsersByDisplayName(std::string_view name) const {
  const AccountFields& F = Fields();
  std::string key = NormaliseKey(name);
  std::vector<uint32_t> hits;
  if (key.empty()) return {};
  ForEachHit(rep_->users_by_name, HashKey(key), [&](uint32_t i) {
    if (SameKey(Str(rep_->users[i], F.u.display_name), key)) hits.push_back(i);
    return true;
  });
  std::sort(hits.begin(), hits.end());  // view order
  std::vector<const Record*> out;
  for (uint32_t i : hits) out.push_back(rep_->users[i]);
  return out;
}

namespace {

// Most users have no records in most collections: their empty lists share
// one read-only List instead of taking an allocation each.
Value NoRecords() {
  static const Value kNoItem;
  static const List kEmptyList{&kNoItem, 0};
  return Value::OfList(&kEmptyList);
}

// The related-record fields of one user's facts, pending until first read:
// a collection is decoded when its field is read, newest_activation_email
// worked out from the (decoded) emails when it is read. Lives in the facts'
// arena; the bytes belong to the view.
struct PendingRelated : PendingField {
  std::string_view bytes;  // the user's encoded related records
  FactArena* arena;        // the facts' arena, for the decoded records
};

void ResolveRelated(const PendingField& self, Record& facts, int field) {
  const AccountFields& F = Fields();
  const auto& pending = static_cast<const PendingRelated&>(self);
  if (field == F.u.newest_activation_email) {
    // Emails are oldest first, ties in snapshot order: the last activation
    // email is the newest (a tie goes to the later one). The records are
    // those of `emails`, so the two compare equal by identity.
    const Record* newest = nullptr;
    const Value& emails = facts.get(F.u.emails);
    if (emails.kind() == Kind::kList) {
      for (const Value& e : *emails.as_list()) {
        if (Str(e.as_record(), F.e.kind) == "activation") newest = e.as_record();
      }
    }
    facts.set(field, newest ? Value::OfRecord(newest) : Value::Null());
    return;
  }
  RecordReader reader(pending.bytes);
  for (const RelatedCollection& c : RelatedCollections()) {
    uint64_t count = 0, size = 0;
    if (!reader.ReadVarint(&count)) count = 0;  // cannot happen for bytes the builder wrote
    if (count != 0 && !reader.ReadVarint(&size)) count = 0;
    if (c.user_field != field) {
      if (count != 0) reader.Skip(size);
      continue;
    }
    if (count == 0) {
      facts.set(field, NoRecords());
      return;
    }
    Value* items = nullptr;
    List* list = pending.arena->NewList(count, &items);
    for (uint64_t k = 0; k < count; ++k) {
      const Record* r = reader.Next(c.type, *pending.arena);
      if (r == nullptr) break;  // cannot happen for bytes the builder wrote
      items[k] = Value::OfRecord(r);
    }
    facts.set(field, Value::OfList(list));
    return;
  }
  facts.set(field, NoRecords());  // not a related-record field: cannot happen
}

}  // namespace

void TenantView::AttachRelatedRecords(const Record& user, Record* facts, FactArena& arena) const {
  const AccountFields& F = Fields();
  const int64_t index = rep_->IndexOf(user);
  if (index < 0) return;
  const std::string_view bytes = rep_->related[static_cast<size_t>(index)];
  // Empty collections are set now (the counts are at hand and cost nothing
  // to read); the others, and newest_activation_email when there are
  // emails, are pending until a rule, template or explanation reads them.
  const PendingRelated* pending = nullptr;
  RecordReader reader(bytes);
  for (const RelatedCollection& c : RelatedCollections()) {
    uint64_t count = 0, size = 0;
    if (!reader.done() && !reader.ReadVarint(&count)) count = 0;
    if (count != 0 && (!reader.ReadVarint(&size) || !reader.Skip(size))) count = 0;
    if (count == 0) {
      facts->set(c.user_field, NoRecords());
      if (c.user_field == F.u.emails) facts->set(F.u.newest_activation_email, Value::Null());
      continue;
    }
    if (pending == nullptr) pending = arena.Copy(PendingRelated{{&ResolveRelated}, bytes, &arena});
    facts->set(c.user_field, Value::Pending(pending));
    if (c.user_field == F.u.emails) facts->set(F.u.newest_activation_email, Value::Pending(pending));
  }
}

std::vector<const Record*> TenantView::UsersNamedIn(std::string_view question) const {
  const AccountFields& F = Fields();
  // The question's and the candidates' name words, and the word starts and
  // hits, go to per-thread buffers that each call reuses.
  thread_local std::string text;
  thread_local std::string words;
  thread_local std::vector<size_t> starts;  // where each word of `text` begins
  thread_local std::vector<uint32_t> hits;
  NameWordsInto(question.substr(0, std::min(question.size(), kMaxMentionBytes)), &text);
  starts.clear();
  hits.clear();
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i - 1] == ' ' && text[i] != ' ') starts.push_back(i);
  }
  for (size_t w = 0; w < starts.size(); ++w) {
    for (size_t n = 1; n <= rep_->max_name_words && w + n <= starts.size(); ++n) {
      // Words w .. w+n-1: up to the space before word w+n (or the final space).
      const size_t end = w + n < starts.size() ? starts[w + n] - 1 : text.size() - 1;
      const std::string_view span = std::string_view(text).substr(starts[w], end - starts[w]);
      ForEachHit(rep_->users_by_name_words, HashKey(span), [&](uint32_t i) {
        NameWordsInto(Str(rep_->users[i], F.u.display_name), &words);
        if (std::string_view(words).substr(1, words.size() - 2) == span) hits.push_back(i);
        return true;
      });
    }
  }
  std::sort(hits.begin(), hits.end());
  hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
  std::vector<const Record*> out;
  for (uint32_t i : hits) out.push_back(rep_->users[i]);
  return out;
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

TenantView::StatusCounts TenantView::CountStatuses(int64_t now) const {
  const int32_t today = DateOfTime(now);
  auto still_running = [today](const std::vector<int32_t>& ends) {
    return static_cast<int64_t>(ends.end() - std::lower_bound(ends.begin(), ends.end(), today));
  };
  StatusCounts counts = rep_->fixed_counts;
  counts.full_learners += still_running(rep_->learner_full_ends);
  counts.full_others += still_running(rep_->other_full_ends);
  return counts;
}

std::vector<const Record*> TenantView::FullUsersEndingBetween(int32_t from, int32_t to) const {
  std::vector<const Record*> out;
  const auto& ends = rep_->full_by_end;
  for (auto it = std::lower_bound(ends.begin(), ends.end(), std::make_pair(from, uint32_t{0}));
       it != ends.end() && it->first <= to; ++it) {
    out.push_back(rep_->users[it->second]);
  }
  return out;
}

const std::vector<const Record*>& TenantView::EmployersOf(std::string_view organisation_id) const {
  auto it = rep_->employers_by_org.find(organisation_id);
  return it == rep_->employers_by_org.end() ? kNoRecords : it->second;
}


}  // namespace whyd
