// Record upserts and deletes (Store::ApplyRecords), costing what they change
// rather than what the tenant holds.
//
// The platform streams changes between snapshots, so a request typically
// touches a handful of records of a tenant that may hold 700,000. Instead of
// rebuilding the tenant's document, a request is
//  1. validated as part of the whole state: the changed records form a
//     document that ValidateSnapshot checks with the current view standing in
//     for everything else (references, logins), plus the stored records that
//     would point at a deleted one; all groups join the document when groups
//     change, so that cycles are found;
//  2. written as row deletes, in-place updates (a replaced record keeps its
//     place in snapshot order) and appends, in one transaction;
//  3. turned into a new view: users the request touched are read back from
//     their rows, the others copied from the current view; the transaction
//     commits only once the view is built, so a failure anywhere applies
//     nothing.
//
// Thread-safety: runs with Store::Impl::write_mu held.
#include <unordered_map>
#include <unordered_set>

#include "knowledge/account_schema.h"
#include "knowledge/store_impl.h"
#include "knowledge/store_tenant.h"

namespace whyd {
namespace {

using json = nlohmann::json;
using IdSet = std::unordered_set<std::string>;

// The column naming a related record's user, or "" for the other collections.
std::string_view OwnerKey(std::string_view collection) {
  if (collection == "programmes" || collection == "ilr_episodes" || collection == "documents") return "learner_id";
  if (collection == "emails" || collection == "sign_ins") return "user_id";
  return {};
}

const Table& TableOf(std::string_view name) {
  for (const Table& t : Tables()) {
    if (name == t.name) return t;
  }
  return Tables().front();  // unreachable: names come from SnapshotCollections()
}

std::string IdOf(const json& record) {
  auto id = record.find("id");
  return id != record.end() && id->is_string() ? id->get<std::string>() : std::string();
}

// One collection's part of a request.
struct CollectionChanges {
  IdSet deleted;
  std::vector<std::string> deleted_order;  // as given, for deterministic writes
  json upserts = json::array();            // merged by id, in request order
  std::vector<std::string> paths;          // "/upsert/users/3" for each merged upsert
};

using Changes = std::map<std::string, CollectionChanges, std::less<>>;

// Everything of the tenant outside the request, as the current view holds it.
class StoredState : public StoredRecords {
 public:
  StoredState(const TenantView& view, const Changes& changes, bool groups_in_document)
      : view_(view), changes_(changes), groups_in_document_(groups_in_document) {}

  bool Has(std::string_view collection, std::string_view id) const override {
    if (Deleted(collection, id)) return false;
    if (collection == "users") return view_.FindUser(id) != nullptr;
    if (collection == "groups") return !groups_in_document_ && view_.FindGroup(id) != nullptr;
    if (collection == "organisations") return view_.FindOrganisation(id) != nullptr;
    return false;  // nothing refers to related records
  }

  std::string LoginHolder(std::string_view key) const override {
    const Record* holder = view_.FindUserByLogin(key);
    if (holder == nullptr) return {};
    const std::string id(holder->get(Fields().u.id).as_string());
    if (Deleted("users", id) || Upserted("users", id)) return {};  // their new state is in the document
    return Pointer("users", id);
  }

 private:
  bool Deleted(std::string_view collection, std::string_view id) const {
    auto c = changes_.find(collection);
    return c != changes_.end() && c->second.deleted.count(std::string(id)) > 0;
  }
  bool Upserted(std::string_view collection, const std::string& id) const {
    auto c = changes_.find(collection);
    if (c == changes_.end()) return false;
    for (const json& r : c->second.upserts) {
      if (IdOf(r) == id) return true;
    }
    return false;
  }

  const TenantView& view_;
  const Changes& changes_;
  bool groups_in_document_;
};

// Stored users outside the request that point at a deleted user, group or
// organisation: the whole-state check a snapshot would make of them.
void CheckReferencesToDeleted(const TenantView& view, const Changes& changes, const IdSet& upserted_users,
                              ErrorList* errors) {
  const AccountFields& F = Fields();
  static const IdSet kNone;
  auto deleted = [&](const char* c) -> const IdSet& {
    auto it = changes.find(c);
    return it == changes.end() ? kNone : it->second.deleted;
  };
  const IdSet& users = deleted("users");
  const IdSet& groups = deleted("groups");
  const IdSet& organisations = deleted("organisations");
  if (users.empty() && groups.empty() && organisations.empty()) return;
  auto str = [](const Value& v) { return v.kind() == Kind::kString ? std::string(v.as_string()) : std::string(); };
  for (const Record* u : view.users()) {
    const std::string id = str(u->get(F.u.id));
    if (users.count(id) || upserted_users.count(id)) continue;
    for (auto [field, key] : {std::pair{F.u.case_owner_id, "case_owner_id"}, std::pair{F.u.manager_id, "manager_id"},
                              std::pair{F.u.mentor_id, "mentor_id"}}) {
      const std::string target = str(u->get(field));
      if (!target.empty() && users.count(target)) {
        errors->Add(Pointer("users", id) + "/" + key, "no user with id " + Quote(target));
      }
    }
    if (const Value& ids = u->get(F.u.group_ids); ids.kind() == Kind::kList && !groups.empty()) {
      for (uint32_t k = 0; k < ids.as_list()->size; ++k) {
        const std::string target = str(ids.as_list()->items[k]);
        if (groups.count(target)) {
          errors->Add(Pointer("users", id) + "/groups/" + std::to_string(k), "no group with id " + Quote(target));
        }
      }
    }
    const std::string org = str(u->get(F.u.organisation_id));
    if (!org.empty() && organisations.count(org)) {
      errors->Add(Pointer("users", id) + "/organisation_id", "no organisation with id " + Quote(org));
    }
  }
}

// The rows and view work of one request, inside the caller's transaction.
class RecordWriter {
 public:
  RecordWriter(Store::Impl& impl, const std::string& tenant, const TenantView& view, const ImportOptions& options)
      : impl_(impl), tenant_(tenant), view_(view), options_(options) {}

  // The owner of a related record by id ("" when there is no such record).
  StatusOr<std::string> OwnerOf(std::string_view collection, const std::string& id) {
    const std::string owner(OwnerKey(collection));
    auto stmt = impl_.Prepare("SELECT " + owner + " FROM " + std::string(collection) +
                              " WHERE tenant = ?1 AND id = ?2");
    if (!stmt.ok()) return stmt.status();
    Statement s(*stmt);
    s.Text(1, tenant_);
    s.Text(2, id);
    int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) return std::string(ColumnText(s.get(), 0));
    if (rc == SQLITE_DONE) return std::string();
    return impl_.Error("look up " + std::string(collection));
  }

  StatusOr<json> Head() {
    auto stmt = impl_.Prepare("SELECT record FROM tenants WHERE tenant = ?1");
    if (!stmt.ok()) return stmt.status();
    Statement s(*stmt);
    s.Text(1, tenant_);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return impl_.Error("read tenant");
    json head = json::parse(ColumnText(s.get(), 0), nullptr, false);
    if (head.is_discarded()) return InternalError("stored tenant record is not JSON");
    return head;
  }

  // Every stored record of a collection, in snapshot order.
  Status ForEachStored(const std::string& collection, const std::string& where, const std::string& key,
                       const std::function<void(const json&)>& each) {
    auto stmt = impl_.Prepare("SELECT record FROM " + collection + " WHERE tenant = ?1" + where + " ORDER BY seq");
    if (!stmt.ok()) return stmt.status();
    Statement s(*stmt);
    s.Text(1, tenant_);
    if (!key.empty()) s.Text(2, key);
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      json record = json::parse(ColumnText(s.get(), 0), nullptr, false);
      if (record.is_discarded()) return InternalError("a stored " + collection + " record is not JSON");
      each(record);
    }
    return rc == SQLITE_DONE ? OkStatus() : impl_.Error("read " + collection);
  }

  // Deletes by a column; adds the rows removed to `deleted`.
  Status DeleteWhere(const std::string& collection, const std::string& column, const std::string& value) {
    auto stmt = impl_.Prepare("DELETE FROM " + collection + " WHERE tenant = ?1 AND " + column + " = ?2");
    if (!stmt.ok()) return stmt.status();
    Statement s(*stmt);
    s.Text(1, tenant_);
    s.Text(2, value);
    if (sqlite3_step(s.get()) != SQLITE_DONE) return impl_.Error("delete from " + collection);
    deleted += sqlite3_changes(impl_.db);
    return OkStatus();
  }

  // Replaces the record with the same id in place, else appends it.
  Status Upsert(const std::string& collection, const json& record, bool has_id) {
    const Table& table = TableOf(collection);
    if (has_id) {
      std::string sql = "UPDATE " + collection + " SET ";
      int n = 3;
      for (const Column& c : table.columns) sql += std::string(c.name) + " = ?" + std::to_string(n++) + ", ";
      sql += "record = ?" + std::to_string(n) + " WHERE tenant = ?1 AND id = ?2";
      auto stmt = impl_.Prepare(sql);
      if (!stmt.ok()) return stmt.status();
      Statement s(*stmt);
      s.Text(1, tenant_);
      s.Text(2, IdOf(record));
      s.Text(BindColumns(s, 3, table, record), record.dump());
      if (sqlite3_step(s.get()) != SQLITE_DONE) return impl_.Error("update " + collection);
      if (sqlite3_changes(impl_.db) > 0) return Written();
    }
    StatusOr<int64_t> seq = impl_.NextSeq(tenant_, collection);
    if (!seq.ok()) return seq.status();
    auto stmt = impl_.Prepare(InsertSql(table));
    if (!stmt.ok()) return stmt.status();
    Statement s(*stmt);
    s.Text(1, tenant_);
    s.Int(2, *seq);
    s.Text(BindColumns(s, 3, table, record), record.dump());
    if (sqlite3_step(s.get()) != SQLITE_DONE) return impl_.Error("insert into " + collection);
    return Written();
  }

  // The new view: `refresh` users read back from their rows (with their
  // related records), `appended` users after everyone else, the rest copied.
  StatusOr<std::shared_ptr<const TenantView>> BuildView(const json& head, const IdSet& deleted_users,
                                                        const IdSet& refresh,
                                                        const std::vector<std::string>& appended) {
    try {
      TenantViewBuilder builder(head);
      WHYD_RETURN_IF_ERROR(ForEachStored("groups", "", "", [&](const json& r) { builder.AddGroup(r); }));
      WHYD_RETURN_IF_ERROR(ForEachStored("organisations", "", "", [&](const json& r) { builder.AddOrganisation(r); }));
      auto read_user = [&](const std::string& id) -> Status {
        WHYD_RETURN_IF_ERROR(ForEachStored("users", " AND id = ?2", id, [&](const json& r) { builder.AddUser(r); }));
        // One user's related records: a range of each table's primary key.
        for (const char* c : {"programmes", "ilr_episodes", "documents", "emails", "sign_ins"}) {
          WHYD_RETURN_IF_ERROR(ForEachStored(c, " AND " + std::string(OwnerKey(c)) + " = ?2", id,
                                             [&](const json& r) { builder.AddRelated(c, r); }));
        }
        return OkStatus();
      };
      const int id_field = Fields().u.id;
      for (const Record* u : view_.users()) {
        const std::string id(u->get(id_field).as_string());
        if (deleted_users.count(id)) continue;
        if (refresh.count(id)) {
          WHYD_RETURN_IF_ERROR(read_user(id));
        } else {
          builder.AddUserFrom(view_, *u);
        }
      }
      for (const std::string& id : appended) WHYD_RETURN_IF_ERROR(read_user(id));
      return builder.Finish();
    } catch (const json::exception& e) {
      return InternalError("stored state of tenant '" + tenant_ + "' is invalid: " + e.what());
    }
  }

  int64_t deleted = 0;

 private:
  Status Written() {
    ++written_;
    if (options_.fail_after_rows != 0 && written_ >= options_.fail_after_rows) {
      return InternalError("records aborted after " + std::to_string(written_) + " rows (test hook)");
    }
    return OkStatus();
  }

  Store::Impl& impl_;
  const std::string& tenant_;
  const TenantView& view_;
  const ImportOptions& options_;
  size_t written_ = 0;
};

}  // namespace

ImportResult Store::ApplyRecords(std::string_view tenant_id, std::string_view text,
                                 const ImportOptions& options) {
  json request;
  if (std::optional<ImportResult> refused = ParseBody(text, options.max_bytes, "request", &request)) {
    return *std::move(refused);
  }
  ErrorList errors;
  if (!request.is_object()) {
    errors.Add("", "expected an object {\"upsert\": {...}, \"delete\": {...}}");
    return InvalidInput(errors);
  }
  for (auto it = request.begin(); it != request.end(); ++it) {
    if (it.key() != "upsert" && it.key() != "delete") {
      errors.Add("/" + it.key(), "unknown key: expected 'upsert' or 'delete'");
    } else if (!it->is_object()) {
      errors.Add("/" + it.key(), "expected an object of collections");
    } else {
      for (auto c = it->begin(); c != it->end(); ++c) {
        const CollectionSpec* spec = FindCollection(c.key());
        std::string path = "/" + it.key() + "/" + c.key();
        if (spec == nullptr) errors.Add(path, "unknown collection '" + c.key() + "'");
        else if (!c->is_array()) errors.Add(path, "expected an array");
        else if (it.key() == "delete" && !spec->has_id) errors.Add(path, "sign-ins have no id; they go with their user");
      }
    }
  }
  if (!errors.empty()) return InvalidInput(errors);

  std::lock_guard<std::mutex> lock(impl_->write_mu);
  std::shared_ptr<const TenantView> view = Tenant(tenant_id);
  if (view == nullptr) {
    return Failure(NotFoundError("no snapshot of tenant '" + std::string(tenant_id) + "' was imported"));
  }
  const std::string tenant(tenant_id);
  RecordWriter writer(*impl_, tenant, *view, options);
  ImportResult result;
  result.tenant_id = tenant;
  Changes changes;
  IdSet refresh;  // users whose rows or related records change

  // Deletes: each id must name a stored record.
  if (auto del = request.find("delete"); del != request.end()) {
    for (auto c = del->begin(); c != del->end(); ++c) {
      CollectionChanges& cc = changes[c.key()];
      const std::string_view owner_key = OwnerKey(c.key());
      for (size_t i = 0; i < c->size(); ++i) {
        const json& id = (*c)[i];
        const std::string path = "/delete/" + c.key() + "/" + std::to_string(i);
        if (!id.is_string()) {
          errors.Add(path, "expected an id string");
          continue;
        }
        const std::string& key = id.get_ref<const std::string&>();
        bool exists = false;
        if (c.key() == "users") exists = view->FindUser(key) != nullptr;
        else if (c.key() == "groups") exists = view->FindGroup(key) != nullptr;
        else if (c.key() == "organisations") exists = view->FindOrganisation(key) != nullptr;
        if (!owner_key.empty()) {
          StatusOr<std::string> owner = writer.OwnerOf(c.key(), key);
          if (!owner.ok()) return Failure(owner.status());
          exists = !owner->empty();
          if (exists) refresh.insert(*owner);
        }
        if (!exists) errors.Add(path, "no " + c.key() + " record with id '" + key + "'");
        else if (cc.deleted.insert(key).second) cc.deleted_order.push_back(key);
      }
    }
  }
  if (!errors.empty()) return InvalidInput(errors);

  // Upserts, merged by id: a later record of the request replaces an earlier one.
  IdSet upserted_users;
  if (auto up = request.find("upsert"); up != request.end()) {
    for (auto c = up->begin(); c != up->end(); ++c) {
      const CollectionSpec* spec = FindCollection(c.key());
      CollectionChanges& cc = changes[c.key()];
      std::unordered_map<std::string, size_t> position;
      for (size_t j = 0; j < c->size(); ++j) {
        const json& record = (*c)[j];
        const std::string path = "/upsert/" + c.key() + "/" + std::to_string(j);
        const std::string id = spec->has_id && record.is_object() ? IdOf(record) : std::string();
        auto pos = id.empty() ? position.end() : position.find(id);
        if (pos != position.end()) {
          cc.upserts[pos->second] = record;
          cc.paths[pos->second] = path;
        } else {
          if (!id.empty()) position.emplace(id, cc.upserts.size());
          cc.upserts.push_back(record);
          cc.paths.push_back(path);
        }
        if (c.key() == "users" && !id.empty()) upserted_users.insert(id);
        ++*CountOf(result.counts, c.key());
      }
    }
  }

  // Validation: the changed records as a document, checked against the rest.
  StatusOr<json> head = writer.Head();
  if (!head.ok()) return Failure(head.status());
  json doc = *head;
  PathNames names;
  const bool groups_change = changes.count("groups") > 0;
  for (const CollectionSpec& spec : SnapshotCollections()) {
    const std::string name(spec.name);
    auto cc = changes.find(name);
    if (name == "groups" && groups_change) {
      // All groups, so that the validator sees the whole forest and its cycles.
      json all = json::array();
      std::vector<std::string>& paths = names.prefixes[name];
      std::unordered_map<std::string, size_t> upsert_of;
      for (size_t j = 0; j < cc->second.upserts.size(); ++j) upsert_of.emplace(IdOf(cc->second.upserts[j]), j);
      std::vector<bool> used(cc->second.upserts.size(), false);
      Status read = writer.ForEachStored("groups", "", "", [&](const json& g) {
        const std::string id = IdOf(g);
        if (cc->second.deleted.count(id)) return;
        auto u = upsert_of.find(id);
        if (u != upsert_of.end() && !id.empty()) {
          all.push_back(cc->second.upserts[u->second]);
          paths.push_back(cc->second.paths[u->second]);
          used[u->second] = true;
        } else {
          all.push_back(g);
          paths.push_back(Pointer("groups", id));
        }
      });
      if (!read.ok()) return Failure(read);
      for (size_t j = 0; j < used.size(); ++j) {
        if (used[j]) continue;
        all.push_back(cc->second.upserts[j]);
        paths.push_back(cc->second.paths[j]);
      }
      doc[name] = std::move(all);
    } else if (cc != changes.end() && !cc->second.upserts.empty()) {
      doc[name] = cc->second.upserts;
      names.prefixes[name] = cc->second.paths;
    } else {
      doc[name] = json::array();
    }
  }
  StoredState stored(*view, changes, groups_change);
  ValidateSnapshot(doc, &names, &errors, &stored);
  CheckReferencesToDeleted(*view, changes, upserted_users, &errors);
  if (!errors.empty()) return InvalidInput(errors);

  // Writes, then the new view, in one transaction.
  Status status = impl_->Exec("BEGIN IMMEDIATE");
  if (!status.ok()) return Failure(status);
  auto fail = [&](Status s) {
    (void)impl_->Exec("ROLLBACK");
    return Failure(std::move(s));
  };
  const IdSet& deleted_users = changes["users"].deleted;
  for (const std::string& user : deleted_users) {
    for (const char* c : {"programmes", "ilr_episodes", "documents", "emails", "sign_ins"}) {
      if (Status s = writer.DeleteWhere(c, std::string(OwnerKey(c)), user); !s.ok()) return fail(s);
    }
  }
  std::vector<std::string> appended;
  for (const Table& table : Tables()) {
    const std::string name = table.name;
    auto cc = changes.find(name);
    if (cc == changes.end()) continue;
    for (const std::string& id : cc->second.deleted_order) {
      if (Status s = writer.DeleteWhere(name, "id", id); !s.ok()) return fail(s);
    }
    const bool has_id = FindCollection(name)->has_id;
    const std::string_view owner_key = OwnerKey(name);
    for (const json& record : cc->second.upserts) {
      const std::string id = has_id ? IdOf(record) : std::string();
      if (!owner_key.empty() && !id.empty()) {
        StatusOr<std::string> previous_owner = writer.OwnerOf(name, id);  // a record may move between users
        if (!previous_owner.ok()) return fail(previous_owner.status());
        if (!previous_owner->empty()) refresh.insert(*previous_owner);
      }
      if (Status s = writer.Upsert(name, record, has_id); !s.ok()) return fail(s);
      if (auto owner = record.find(std::string(owner_key)); owner != record.end() && owner->is_string()) {
        refresh.insert(owner->get<std::string>());  // validated: always there
      }
      if (name == "users") {
        if (view->FindUser(id) != nullptr && !deleted_users.count(id)) refresh.insert(id);
        else appended.push_back(id);
      }
    }
  }
  result.counts.deleted = writer.deleted;
  StatusOr<std::shared_ptr<const TenantView>> next = writer.BuildView(*head, deleted_users, refresh, appended);
  if (!next.ok()) return fail(next.status());
  status = impl_->Exec("COMMIT");
  if (!status.ok()) return fail(status);
  impl_->Publish(*std::move(next));
  return result;
}

}  // namespace whyd
