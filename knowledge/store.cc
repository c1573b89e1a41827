// The SQLite side of the knowledge store and the publication of views; see store.h.
//
// Layout: one table per snapshot collection, every one keyed by tenant (its
// first column, part of every key and index) and holding the record's raw JSON
// (unknown keys included) next to the columns that lookups and foreign keys use.
// `seq` keeps the snapshot's array order, which the contract gives meaning to
// (ties between emails, sign-ins newest last). References between records
// (learner_id, case_owner_id...) are checked by the validator before any row is
// written, so the only SQLite foreign keys are to `tenants` (ON DELETE CASCADE):
// per-row reference checks tripled the cost of a 100,000-learner import.
#include "knowledge/store.h"

#include <malloc.h>
#include <sqlite3.h>

#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "knowledge/snapshot_validator.h"
#include "knowledge/store_tenant.h"

namespace whyd {
namespace {

using json = nlohmann::json;

// A column filled from a record: the JSON key it comes from; `normalise`
// stores the case- and space-insensitive form used for lookups.
struct Column {
  const char* name;
  const char* key;
  bool normalise = false;
};

struct Table {
  const char* name;  // = the collection name
  std::vector<Column> columns;
};

const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"groups", {{"id", "id"}, {"parent", "parent"}}},
      {"organisations", {{"id", "id"}}},
      {"users", {{"id", "id"}, {"type", "type"}, {"email_key", "email", true},
                 {"username_key", "username", true}, {"organisation_id", "organisation_id"}}},
      {"programmes", {{"id", "id"}, {"learner_id", "learner_id"}}},
      {"ilr_episodes", {{"id", "id"}, {"learner_id", "learner_id"}}},
      {"documents", {{"id", "id"}, {"learner_id", "learner_id"}}},
      {"emails", {{"id", "id"}, {"user_id", "user_id"}}},
      {"sign_ins", {{"user_id", "user_id"}}},
  };
  return tables;
}

constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS tenants(
  tenant TEXT PRIMARY KEY,
  record TEXT NOT NULL,            -- schema, as_of, tenant object, unknown top-level keys
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));
CREATE TABLE IF NOT EXISTS groups(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, parent TEXT, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq), UNIQUE(tenant, id));
CREATE INDEX IF NOT EXISTS groups_parent ON groups(tenant, parent);
CREATE TABLE IF NOT EXISTS organisations(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq), UNIQUE(tenant, id));
CREATE TABLE IF NOT EXISTS users(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,
  email_key TEXT, username_key TEXT, organisation_id TEXT, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq), UNIQUE(tenant, id));
CREATE INDEX IF NOT EXISTS users_email ON users(tenant, email_key);
CREATE INDEX IF NOT EXISTS users_username ON users(tenant, username_key);
CREATE INDEX IF NOT EXISTS users_organisation ON users(tenant, organisation_id, type);
CREATE TABLE IF NOT EXISTS programmes(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, learner_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq), UNIQUE(tenant, id));
CREATE INDEX IF NOT EXISTS programmes_learner ON programmes(tenant, learner_id);
CREATE TABLE IF NOT EXISTS ilr_episodes(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, learner_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq), UNIQUE(tenant, id));
CREATE INDEX IF NOT EXISTS ilr_episodes_learner ON ilr_episodes(tenant, learner_id);
CREATE TABLE IF NOT EXISTS documents(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, learner_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq), UNIQUE(tenant, id));
CREATE INDEX IF NOT EXISTS documents_learner ON documents(tenant, learner_id);
CREATE TABLE IF NOT EXISTS emails(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, user_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq), UNIQUE(tenant, id));
CREATE INDEX IF NOT EXISTS emails_user ON emails(tenant, user_id);
CREATE TABLE IF NOT EXISTS sign_ins(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, user_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq));
CREATE INDEX IF NOT EXISTS sign_ins_user ON sign_ins(tenant, user_id);
)sql";

// Thin RAII over a prepared statement owned by the connection's cache.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  sqlite3_stmt* get() const { return stmt_; }
  void Text(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void Null(int index) { sqlite3_bind_null(stmt_, index); }
  void Int(int index, int64_t v) { sqlite3_bind_int64(stmt_, index, v); }

 private:
  sqlite3_stmt* stmt_;
};

std::string_view ColumnText(sqlite3_stmt* stmt, int col) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
  return p == nullptr ? std::string_view() : std::string_view(p, sqlite3_column_bytes(stmt, col));
}

// Turns a parse error of nlohmann::json into one FieldError.
FieldError ParseErrorOf(const json::exception& e) {
  std::string what = e.what();
  // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> drop the tag.
  if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
  return {"", "invalid JSON: " + what};
}

ImportResult Failure(Status status, std::vector<FieldError> errors = {}, bool truncated = false) {
  ImportResult r;
  r.status = std::move(status);
  r.errors = std::move(errors);
  r.errors_truncated = truncated;
  return r;
}

ImportResult InvalidInput(ErrorList& errors) {
  std::string summary = std::to_string(errors.errors().size()) +
                        (errors.truncated() ? "+" : "") + " problem(s); nothing was applied";
  if (!errors.errors().empty()) {
    const FieldError& first = errors.errors().front();
    summary = (first.path.empty() ? std::string() : first.path + ": ") + first.reason +
              (errors.errors().size() > 1 ? " (and more: " + summary + ")" : "; nothing was applied");
  }
  return Failure(InvalidArgumentError(summary), std::move(errors.errors()), errors.truncated());
}

ImportCounts CountSnapshot(const json& doc) {
  ImportCounts c;
  auto n = [&](const char* key) -> int64_t {
    auto it = doc.find(key);
    return it != doc.end() && it->is_array() ? static_cast<int64_t>(it->size()) : 0;
  };
  c.groups = n("groups");
  c.organisations = n("organisations");
  c.users = n("users");
  c.programmes = n("programmes");
  c.ilr_episodes = n("ilr_episodes");
  c.documents = n("documents");
  c.emails = n("emails");
  c.sign_ins = n("sign_ins");
  return c;
}

int64_t* CountOf(ImportCounts& c, std::string_view collection) {
  if (collection == "groups") return &c.groups;
  if (collection == "organisations") return &c.organisations;
  if (collection == "users") return &c.users;
  if (collection == "programmes") return &c.programmes;
  if (collection == "ilr_episodes") return &c.ilr_episodes;
  if (collection == "documents") return &c.documents;
  if (collection == "emails") return &c.emails;
  return &c.sign_ins;
}

}  // namespace

struct Store::Impl {
  sqlite3* db = nullptr;
  std::mutex write_mu;  // guards db and statements: one writer at a time
  std::unordered_map<std::string, sqlite3_stmt*> statements;

  mutable std::mutex views_mu;  // guards views
  std::map<std::string, std::shared_ptr<const TenantView>, std::less<>> views;

  ~Impl() {
    for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
    if (db != nullptr) sqlite3_close(db);
  }

  Status Error(std::string_view what) const {
    return InternalError(std::string(what) + ": " + sqlite3_errmsg(db));
  }

  Status Exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string m = message ? message : "unknown error";
      sqlite3_free(message);
      return InternalError(std::string("sqlite: ") + m);
    }
    return OkStatus();
  }

  // A cached prepared statement (caller holds write_mu).
  StatusOr<sqlite3_stmt*> Prepare(const std::string& sql) {
    auto it = statements.find(sql);
    if (it != statements.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return Error("prepare " + sql);
    }
    statements.emplace(sql, stmt);
    return stmt;
  }

  // Rebuilds the snapshot document of one tenant from its rows.
  StatusOr<json> ReadTenant(std::string_view tenant) {
    auto head = Prepare("SELECT record FROM tenants WHERE tenant = ?1");
    if (!head.ok()) return head.status();
    json doc;
    {
      Statement s(*head);
      s.Text(1, tenant);
      int rc = sqlite3_step(s.get());
      if (rc == SQLITE_DONE) return NotFoundError("no snapshot of tenant '" + std::string(tenant) + "' was imported");
      if (rc != SQLITE_ROW) return Error("read tenant");
      doc = json::parse(ColumnText(s.get(), 0), nullptr, false);
      if (doc.is_discarded()) return InternalError("stored tenant record is not JSON");
    }
    for (const Table& t : Tables()) {
      auto rows = Prepare(std::string("SELECT record FROM ") + t.name + " WHERE tenant = ?1 ORDER BY seq");
      if (!rows.ok()) return rows.status();
      Statement s(*rows);
      s.Text(1, tenant);
      json& list = doc[t.name] = json::array();
      int rc;
      while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        json rec = json::parse(ColumnText(s.get(), 0), nullptr, false);
        if (rec.is_discarded()) return InternalError(std::string("stored ") + t.name + " record is not JSON");
        list.push_back(std::move(rec));
      }
      if (rc != SQLITE_DONE) return Error("read rows");
    }
    return doc;
  }

  // Replaces the tenant's rows with `doc` in one transaction (caller holds write_mu).
  Status WriteTenant(const json& doc, const ImportOptions& options) {
    const std::string tenant = doc["tenant"]["id"].get<std::string>();
    WHYD_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status st = WriteRows(tenant, doc, options);
    if (st.ok()) st = Exec("COMMIT");
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      return st;
    }
    return OkStatus();
  }

  Status WriteRows(const std::string& tenant, const json& doc, const ImportOptions& options) {
    {
      auto del = Prepare("DELETE FROM tenants WHERE tenant = ?1");
      if (!del.ok()) return del.status();
      Statement s(*del);
      s.Text(1, tenant);
      if (sqlite3_step(s.get()) != SQLITE_DONE) return Error("delete tenant");
    }
    {
      json head = json::object();
      for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (FindCollection(it.key()) == nullptr) head[it.key()] = it.value();
      }
      auto ins = Prepare("INSERT INTO tenants(tenant, record) VALUES(?1, ?2)");
      if (!ins.ok()) return ins.status();
      Statement s(*ins);
      s.Text(1, tenant);
      s.Text(2, head.dump());
      if (sqlite3_step(s.get()) != SQLITE_DONE) return Error("insert tenant");
    }
    const size_t total = static_cast<size_t>(CountSnapshot(doc).total());
    size_t written = 0;
    for (const Table& t : Tables()) {
      auto list = doc.find(t.name);
      if (list == doc.end() || !list->is_array()) continue;
      std::string sql = std::string("INSERT INTO ") + t.name + "(tenant, seq";
      std::string params = "?1, ?2";
      int n = 3;
      for (const Column& c : t.columns) {
        sql += std::string(", ") + c.name;
        params += ", ?" + std::to_string(n++);
      }
      sql += ", record) VALUES(" + params + ", ?" + std::to_string(n) + ")";
      auto ins = Prepare(sql);
      if (!ins.ok()) return ins.status();
      int64_t seq = 0;
      for (const json& rec : *list) {
        Statement s(*ins);
        s.Text(1, tenant);
        s.Int(2, seq++);
        int col = 3;
        for (const Column& c : t.columns) {
          auto v = rec.find(c.key);
          if (v == rec.end() || !v->is_string()) {
            s.Null(col++);
          } else if (c.normalise) {
            s.Text(col++, NormaliseKey(v->get_ref<const std::string&>()));
          } else {
            s.Text(col++, v->get_ref<const std::string&>());
          }
        }
        s.Text(col, rec.dump());
        if (sqlite3_step(s.get()) != SQLITE_DONE) return Error(std::string("insert into ") + t.name);
        ++written;
        if (options.fail_after_rows != 0 && written >= options.fail_after_rows) {
          return InternalError("import aborted after " + std::to_string(written) + " rows (test hook)");
        }
        if (options.progress && written % 20000 == 0) options.progress(written, total);
      }
    }
    if (options.progress) options.progress(written, total);
    return OkStatus();
  }

  // Writes the rows and builds the new view at the same time (both only read
  // `doc`); the view is published by the caller only if the write committed.
  std::shared_ptr<const TenantView> WriteAndBuild(const json& doc, const ImportOptions& options,
                                                  Status* status) {
    std::shared_ptr<const TenantView> view;
    std::thread builder([&] { view = BuildTenantView(doc); });
    *status = WriteTenant(doc, options);
    builder.join();
    return view;
  }

  void Publish(std::shared_ptr<const TenantView> view) {
    std::string id(view->id());
    {
      std::lock_guard<std::mutex> lock(views_mu);
      views[id] = std::move(view);
    }
    malloc_trim(0);  // give the parser's and the old view's memory back to the system
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = impl->db ? sqlite3_errmsg(impl->db) : "out of memory";
    return UnavailableError("cannot open store '" + path + "': " + message);
  }
  sqlite3_busy_timeout(impl->db, 5000);
  WHYD_RETURN_IF_ERROR(impl->Exec("PRAGMA journal_mode = WAL"));
  WHYD_RETURN_IF_ERROR(impl->Exec("PRAGMA synchronous = NORMAL"));
  WHYD_RETURN_IF_ERROR(impl->Exec("PRAGMA foreign_keys = ON"));
  // Bulk imports touch every index page; a larger page cache keeps them in memory.
  WHYD_RETURN_IF_ERROR(impl->Exec("PRAGMA cache_size = -65536"));
  WHYD_RETURN_IF_ERROR(impl->Exec(kSchemaSql));

  std::vector<std::string> tenants;
  {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(impl->db, "SELECT tenant FROM tenants ORDER BY tenant", -1, &stmt, nullptr) != SQLITE_OK) {
      return impl->Error("list tenants");
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) tenants.emplace_back(ColumnText(stmt, 0));
    sqlite3_finalize(stmt);
  }
  for (const std::string& t : tenants) {
    StatusOr<json> doc = impl->ReadTenant(t);
    if (!doc.ok()) return doc.status();
    ErrorList errors;
    ValidateSnapshot(*doc, nullptr, &errors);
    if (!errors.empty()) {
      return InternalError("stored state of tenant '" + t + "' is invalid: " +
                           errors.errors()[0].path + ": " + errors.errors()[0].reason);
    }
    impl->Publish(BuildTenantView(*doc));
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

ImportResult Store::ImportSnapshot(std::string_view text, const ImportOptions& options) {
  if (text.size() > options.max_bytes) {
    return Failure(ResourceExhaustedError("snapshot of " + std::to_string(text.size()) +
                                          " bytes is over the limit of " +
                                          std::to_string(options.max_bytes) + " bytes"));
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    FieldError error = ParseErrorOf(e);
    return Failure(InvalidArgumentError(error.reason), {error});
  }
  ErrorList errors;
  ValidateSnapshot(doc, nullptr, &errors);
  if (errors.empty() && !options.expected_tenant.empty() &&
      doc["tenant"]["id"].get<std::string>() != options.expected_tenant) {
    errors.Add("/tenant/id", "the snapshot is of tenant '" + doc["tenant"]["id"].get<std::string>() +
                                 "', not '" + options.expected_tenant + "'");
  }
  if (!errors.empty()) return InvalidInput(errors);

  ImportResult result;
  result.tenant_id = doc["tenant"]["id"].get<std::string>();
  result.counts = CountSnapshot(doc);
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  auto view = impl_->WriteAndBuild(doc, options, &result.status);
  if (!result.ok()) return result;
  doc = json();  // free the document before publishing
  impl_->Publish(std::move(view));
  return result;
}

ImportResult Store::ApplyRecords(std::string_view tenant_id, std::string_view text,
                                 const ImportOptions& options) {
  if (text.size() > options.max_bytes) {
    return Failure(ResourceExhaustedError("request of " + std::to_string(text.size()) +
                                          " bytes is over the limit of " +
                                          std::to_string(options.max_bytes) + " bytes"));
  }
  json request;
  try {
    request = json::parse(text);
  } catch (const json::exception& e) {
    FieldError error = ParseErrorOf(e);
    return Failure(InvalidArgumentError(error.reason), {error});
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
  StatusOr<json> current = impl_->ReadTenant(tenant_id);
  if (!current.ok()) return Failure(current.status());
  json& doc = *current;
  ImportResult result;
  result.tenant_id = std::string(tenant_id);
  PathNames names;

  // Deletes (with the records that belong to deleted users).
  std::unordered_map<std::string, std::unordered_set<std::string>> deleted;
  if (auto del = request.find("delete"); del != request.end()) {
    for (auto c = del->begin(); c != del->end(); ++c) {
      json& list = doc[c.key()];
      std::unordered_set<std::string> present;
      for (const json& rec : list) {
        if (rec.is_object() && rec.contains("id") && rec["id"].is_string()) present.insert(rec["id"].get<std::string>());
      }
      for (size_t i = 0; i < c->size(); ++i) {
        const json& id = (*c)[i];
        std::string path = "/delete/" + c.key() + "/" + std::to_string(i);
        if (!id.is_string()) errors.Add(path, "expected an id string");
        else if (!present.count(id.get<std::string>())) errors.Add(path, "no " + c.key() + " record with id '" + id.get<std::string>() + "'");
        else deleted[c.key()].insert(id.get<std::string>());
      }
    }
  }
  if (!errors.empty()) return InvalidInput(errors);
  const auto& deleted_users = deleted["users"];
  for (const CollectionSpec& spec : SnapshotCollections()) {
    json& list = doc[spec.name];
    const auto& gone = deleted[std::string(spec.name)];
    std::string owner_key = spec.name == "emails" || spec.name == "sign_ins" ? "user_id" : "learner_id";
    bool owned = spec.name != "groups" && spec.name != "organisations" && spec.name != "users";
    json kept = json::array();
    for (json& rec : list) {
      bool drop = spec.has_id && gone.count(rec.value("id", std::string()));
      if (!drop && owned) drop = deleted_users.count(rec.value(owner_key, std::string())) > 0;
      if (drop) ++result.counts.deleted;
      else kept.push_back(std::move(rec));
    }
    list = std::move(kept);
  }

  // Upserts: replace in place by id, else append.
  std::map<std::string, std::vector<std::string>> upsert_paths;  // index in merged list -> path
  if (auto up = request.find("upsert"); up != request.end()) {
    for (auto c = up->begin(); c != up->end(); ++c) {
      const CollectionSpec* spec = FindCollection(c.key());
      json& list = doc[c.key()];
      std::unordered_map<std::string, size_t> position;
      if (spec->has_id) {
        for (size_t i = 0; i < list.size(); ++i) position.emplace(list[i].value("id", std::string()), i);
      }
      std::vector<std::string>& prefixes = names.prefixes[c.key()];
      for (size_t i = 0; i < list.size(); ++i) {
        prefixes.push_back("/" + c.key() + "/" + (spec->has_id ? list[i].value("id", std::to_string(i)) : std::to_string(i)));
      }
      for (size_t j = 0; j < c->size(); ++j) {
        const json& rec = (*c)[j];
        std::string path = "/upsert/" + c.key() + "/" + std::to_string(j);
        const json* id = rec.is_object() && spec->has_id && rec.contains("id") ? &rec["id"] : nullptr;
        auto pos = id && id->is_string() ? position.find(id->get<std::string>()) : position.end();
        if (pos != position.end()) {
          list[pos->second] = rec;
          prefixes[pos->second] = path;
        } else {
          if (id && id->is_string()) position.emplace(id->get<std::string>(), list.size());
          list.push_back(rec);
          prefixes.push_back(path);
        }
        ++*CountOf(result.counts, c.key());
      }
    }
  }
  // Stored records that were not upserted are named by id: "/users/u-7".
  for (const CollectionSpec& spec : SnapshotCollections()) {
    auto& prefixes = names.prefixes[std::string(spec.name)];
    const json& list = doc[spec.name];
    for (size_t i = prefixes.size(); i < list.size(); ++i) {
      prefixes.push_back("/" + std::string(spec.name) + "/" +
                         (spec.has_id ? list[i].value("id", std::to_string(i)) : std::to_string(i)));
    }
  }
  ValidateSnapshot(doc, &names, &errors);
  if (!errors.empty()) return InvalidInput(errors);
  auto view = impl_->WriteAndBuild(doc, options, &result.status);
  if (!result.ok()) return result;
  doc = json();
  impl_->Publish(std::move(view));
  return result;
}

std::shared_ptr<const TenantView> Store::Tenant(std::string_view tenant_id) const {
  std::lock_guard<std::mutex> lock(impl_->views_mu);
  auto it = impl_->views.find(tenant_id);
  return it == impl_->views.end() ? nullptr : it->second;
}

std::vector<std::string> Store::TenantIds() const {
  std::lock_guard<std::mutex> lock(impl_->views_mu);
  std::vector<std::string> ids;
  for (const auto& [id, view] : impl_->views) ids.push_back(id);
  return ids;
}

}  // namespace whyd
