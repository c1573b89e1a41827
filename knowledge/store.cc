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
// SQLite is queried by tenant (load, replace), which the primary keys
// (tenant, seq) serve, and by record id and owner when an upsert changes a few
// records (store_records.cc), which the (tenant, id) and (tenant, owner)
// indexes serve. Lookups for questions never reach SQLite: they are served by
// the in-memory indexes of TenantView.
#include "knowledge/store.h"

#include <malloc.h>
#include <sqlite3.h>

#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "knowledge/snapshot_validator.h"
#include "knowledge/store_impl.h"
#include "knowledge/store_tenant.h"

// jemalloc's control interface, when jemalloc is the process's allocator.
extern "C" int mallctl(const char* name, void* old_value, size_t* old_length, void* new_value,
                       size_t new_length) __attribute__((weak));

namespace whyd {
namespace {

using json = nlohmann::json;

// Layout 2. Related records are clustered by their user (WITHOUT ROWID,
// primary key (tenant, owner, seq)), which is how they are read: all of them
// on open, one user's when an upsert touches that user. Records with ids have
// a (tenant, id) index for upserts and deletes by id. seq is unique per tenant
// and table and keeps snapshot order.
constexpr int kLayoutVersion = 2;
constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS tenants(
  tenant TEXT PRIMARY KEY,
  record TEXT NOT NULL,            -- schema, as_of, tenant object, unknown top-level keys
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));
CREATE TABLE IF NOT EXISTS groups(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, parent TEXT, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq));
CREATE TABLE IF NOT EXISTS organisations(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq));
CREATE TABLE IF NOT EXISTS users(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL,
  email_key TEXT, username_key TEXT, organisation_id TEXT, record TEXT NOT NULL,
  PRIMARY KEY(tenant, seq));
CREATE INDEX IF NOT EXISTS users_by_id ON users(tenant, id);
CREATE TABLE IF NOT EXISTS programmes(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, learner_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, learner_id, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS programmes_by_id ON programmes(tenant, id);
CREATE TABLE IF NOT EXISTS ilr_episodes(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, learner_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, learner_id, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ilr_episodes_by_id ON ilr_episodes(tenant, id);
CREATE TABLE IF NOT EXISTS documents(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, learner_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, learner_id, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS documents_by_id ON documents(tenant, id);
CREATE TABLE IF NOT EXISTS emails(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, id TEXT NOT NULL, user_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, user_id, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS emails_by_id ON emails(tenant, id);
CREATE TABLE IF NOT EXISTS sign_ins(
  tenant TEXT NOT NULL REFERENCES tenants(tenant) ON DELETE CASCADE,
  seq INTEGER NOT NULL, user_id TEXT NOT NULL, record TEXT NOT NULL,
  PRIMARY KEY(tenant, user_id, seq)) WITHOUT ROWID;
)sql";

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

// The text of every element of the snapshot's collection arrays, sliced from the
// document as sent, so the stored raw record is the client's own bytes and the
// import need not serialise 600,000 records again. Runs only on text that
// nlohmann::json has already parsed, so the syntax is known to be valid; keys
// written with escapes are not recognised (their records fall back to dump()).

class RawScanner {
 public:
  explicit RawScanner(std::string_view text) : t_(text) {}

  RawRecords Scan() {
    RawRecords out;
    SkipSpace();
    if (!Eat('{')) return out;
    SkipSpace();
    if (Eat('}')) return out;
    while (i_ < t_.size()) {
      SkipSpace();
      std::string_view key = String();
      SkipSpace();
      if (!Eat(':')) return {};
      SkipSpace();
      if (FindCollection(key) != nullptr && Peek() == '[') {
        std::vector<std::string_view>& items = out[std::string(key)];
        items.clear();  // a repeated key: the last one wins, as in the parsed document
        ++i_;
        SkipSpace();
        if (!Eat(']')) {
          while (i_ < t_.size()) {
            SkipSpace();
            size_t begin = i_;
            SkipValue();
            items.push_back(t_.substr(begin, i_ - begin));
            SkipSpace();
            if (Eat(']')) break;
            if (!Eat(',')) return {};
          }
        }
      } else {
        SkipValue();
      }
      SkipSpace();
      if (Eat('}')) break;
      if (!Eat(',')) return {};
    }
    return out;
  }

 private:
  char Peek() const { return i_ < t_.size() ? t_[i_] : '\0'; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  void SkipSpace() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t')) ++i_;
  }
  // The raw characters between the quotes.
  std::string_view String() {
    if (!Eat('"')) return {};
    size_t begin = i_;
    while (i_ < t_.size() && t_[i_] != '"') i_ += t_[i_] == '\\' ? 2 : 1;
    std::string_view s = t_.substr(begin, i_ - begin);
    ++i_;
    return s;
  }
  void SkipValue() {
    char c = Peek();
    if (c == '"') {
      String();
    } else if (c == '{' || c == '[') {
      int depth = 0;
      while (i_ < t_.size()) {
        char d = t_[i_];
        if (d == '"') {
          String();
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') {
          if (--depth == 0) {
            ++i_;
            return;
          }
        }
        ++i_;
      }
    } else {
      while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' && t_[i_] != ' ' &&
             t_[i_] != '\n' && t_[i_] != '\r' && t_[i_] != '\t') {
        ++i_;
      }
    }
  }

  std::string_view t_;
  size_t i_ = 0;
};

}  // namespace

const std::vector<Table>& Tables() {
  static const std::vector<Table> tables = {
      {"groups", {{"id", "id"}, {"parent", "parent"}}, ""},
      {"organisations", {{"id", "id"}}, ""},
      {"users", {{"id", "id"}, {"type", "type"}, {"email_key", "email", true},
                 {"username_key", "username", true}, {"organisation_id", "organisation_id"}}, ""},
      {"programmes", {{"id", "id"}, {"learner_id", "learner_id"}}, "learner_id"},
      {"ilr_episodes", {{"id", "id"}, {"learner_id", "learner_id"}}, "learner_id"},
      {"documents", {{"id", "id"}, {"learner_id", "learner_id"}}, "learner_id"},
      {"emails", {{"id", "id"}, {"user_id", "user_id"}}, "user_id"},
      {"sign_ins", {{"user_id", "user_id"}}, "user_id"},
  };
  return tables;
}

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

ImportResult Failure(Status status, std::vector<FieldError> errors, bool truncated) {
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

// "/users/u-7" (built by appending: GCC 12 misreports `"/" + string` chains).
std::string Pointer(std::string_view collection, std::string_view key) {
  std::string out;
  out.reserve(collection.size() + key.size() + 2);
  out.push_back('/');
  out.append(collection);
  out.push_back('/');
  out.append(key);
  return out;
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

std::optional<ImportResult> ParseBody(std::string_view text, size_t max_bytes, const char* what, json* out) {
  if (text.size() > max_bytes) {
    return Failure(ResourceExhaustedError(std::string(what) + " of " + std::to_string(text.size()) +
                                          " bytes is over the limit of " + std::to_string(max_bytes) +
                                          " bytes"));
  }
  try {
    *out = json::parse(text);
  } catch (const json::exception& e) {
    FieldError error = ParseErrorOf(e);
    return Failure(InvalidArgumentError(error.reason), {error});
  }
  return std::nullopt;
}

std::string InsertSql(const Table& table) {
  std::string sql = std::string("INSERT INTO ") + table.name + "(tenant, seq";
  std::string params = "?1, ?2";
  int n = 3;
  for (const Column& c : table.columns) {
    sql += std::string(", ") + c.name;
    params += ", ?" + std::to_string(n++);
  }
  return sql + ", record) VALUES(" + params + ", ?" + std::to_string(n) + ")";
}

int BindColumns(Statement& s, int first, const Table& table, const json& record) {
  int col = first;
  for (const Column& c : table.columns) {
    auto v = record.find(c.key);
    if (v == record.end() || !v->is_string()) {
      s.Null(col++);
    } else if (c.normalise) {
      s.Text(col++, NormaliseKey(v->get_ref<const std::string&>()));
    } else {
      s.Text(col++, v->get_ref<const std::string&>());
    }
  }
  return col;
}

Store::Impl::~Impl() {
  for (auto& [sql, stmt] : statements) sqlite3_finalize(stmt);
  if (db != nullptr) sqlite3_close(db);
}

Status Store::Impl::Error(std::string_view what) const {
  return InternalError(std::string(what) + ": " + sqlite3_errmsg(db));
}

Status Store::Impl::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string m = message ? message : "unknown error";
    sqlite3_free(message);
    return InternalError(std::string("sqlite: ") + m);
  }
  return OkStatus();
}

StatusOr<sqlite3_stmt*> Store::Impl::Prepare(const std::string& sql) {
  auto it = statements.find(sql);
  if (it != statements.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return Error("prepare " + sql);
  }
  statements.emplace(sql, stmt);
  return stmt;
}

StatusOr<std::shared_ptr<const TenantView>> Store::Impl::LoadView(std::string_view tenant) {
  auto head = Prepare("SELECT record FROM tenants WHERE tenant = ?1");
  if (!head.ok()) return head.status();
  std::unique_ptr<TenantViewBuilder> builder;
  const char* table = "tenants";
  try {
    {
      Statement s(*head);
      s.Text(1, tenant);
      int rc = sqlite3_step(s.get());
      if (rc == SQLITE_DONE) return NotFoundError("no snapshot of tenant '" + std::string(tenant) + "' was imported");
      if (rc != SQLITE_ROW) return Error("read tenant");
      builder = std::make_unique<TenantViewBuilder>(json::parse(ColumnText(s.get(), 0)));
    }
    for (const Table& t : Tables()) {
      table = t.name;
      // Related records in their user's order (all the builder needs), which
      // is their primary key's order.
      const std::string order = *t.owner ? std::string(t.owner) + ", seq" : "seq";
      auto rows = Prepare(std::string("SELECT record FROM ") + t.name + " WHERE tenant = ?1 ORDER BY " + order);
      if (!rows.ok()) return rows.status();
      Statement s(*rows);
      s.Text(1, tenant);
      const std::string_view name = t.name;
      int rc;
      while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        json record = json::parse(ColumnText(s.get(), 0));
        if (name == "groups") {
          builder->AddGroup(record);
        } else if (name == "organisations") {
          builder->AddOrganisation(record);
        } else if (name == "users") {
          builder->AddUser(record);
        } else {
          builder->AddRelated(name, record);
        }
      }
      if (rc != SQLITE_DONE) return Error("read rows");
    }
  } catch (const json::exception& e) {
    return InternalError("stored state of tenant '" + std::string(tenant) + "' is invalid (table " +
                         table + "): " + e.what());
  }
  return builder->Finish();
}

Status Store::Impl::WriteRows(const json& doc, const RawRecords* raw, const ImportOptions& options) {
  const json* id = nullptr;
  if (auto t = doc.find("tenant"); t != doc.end() && t->is_object()) {
    if (auto i = t->find("id"); i != t->end() && i->is_string()) id = &*i;
  }
  if (id == nullptr) return InvalidArgumentError("no tenant id");
  const std::string& tenant = id->get_ref<const std::string&>();
  for (auto it = next_seq.begin(); it != next_seq.end();) {  // the rows are replaced
    it = it->first.first == tenant ? next_seq.erase(it) : std::next(it);
  }
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
    auto ins = Prepare(InsertSql(t));
    if (!ins.ok()) return ins.status();
    const std::vector<std::string_view>* raw_items = nullptr;
    if (raw != nullptr) {
      auto r = raw->find(t.name);
      if (r != raw->end() && r->second.size() == list->size()) raw_items = &r->second;
    }
    int64_t seq = 0;
    for (const json& rec : *list) {
      Statement s(*ins);
      s.Text(1, tenant);
      s.Int(2, seq++);
      const int col = BindColumns(s, 3, t, rec);
      if (raw_items != nullptr) {
        s.Text(col, (*raw_items)[static_cast<size_t>(seq - 1)]);
      } else {
        s.Text(col, rec.dump());
      }
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

ImportResult Store::Impl::ValidateWriteAndPublish(json& doc, const RawRecords* raw, const PathNames* names,
                                     const std::string& expected_tenant,
                                     const ImportOptions& options, ImportResult result) {
  ErrorList errors;
  std::shared_ptr<const TenantView> view;
  const json& shared_doc = doc;  // both threads only read it
  std::thread checker([&] {
    ValidateSnapshot(shared_doc, names, &errors);
    if (errors.empty() && !expected_tenant.empty()) {
      const std::string& id = shared_doc.at("tenant").at("id").get_ref<const std::string&>();
      if (id != expected_tenant) {
        errors.Add("/tenant/id", "the snapshot is of tenant '" + id + "', not '" + expected_tenant + "'");
      }
    }
    if (errors.empty()) view = BuildTenantView(shared_doc);
  });
  Status written = Exec("BEGIN IMMEDIATE");
  if (written.ok()) {
    written = WriteRows(shared_doc, raw, options);
  }
  checker.join();
  if (!errors.empty() || !written.ok()) {
    (void)Exec("ROLLBACK");
    if (!errors.empty()) return InvalidInput(errors);
    result.status = written;
    return result;
  }
  // Freeing a large document takes as long as the commit's WAL write: do both at once.
  std::thread freer([dead = std::move(doc)]() mutable { dead = json(); });
  result.status = Exec("COMMIT");
  freer.join();
  if (!result.ok()) {
    (void)Exec("ROLLBACK");
    return result;
  }
  result.tenant_id = std::string(view->id());
  Publish(std::move(view));
  return result;
}

Status Store::Impl::CheckLayout(const std::string& path) {
  int version = -1, tables = 0;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version), "
                             "(SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'tenants')",
                         -1, &stmt, nullptr) != SQLITE_OK) {
    return Error("read the store's layout");
  }
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    version = sqlite3_column_int(stmt, 0);
    tables = sqlite3_column_int(stmt, 1);
  }
  sqlite3_finalize(stmt);
  if (tables == 0 || version == kLayoutVersion) return OkStatus();  // new, or current
  return FailedPreconditionError("store '" + path + "' has table layout " + std::to_string(version) +
                                 ", this whyd reads layout " + std::to_string(kLayoutVersion) +
                                 ": import the snapshots again into a new file (whyd import --db NEW SNAPSHOT.json)");
}

StatusOr<int64_t> Store::Impl::NextSeq(const std::string& tenant, const std::string& table) {
  auto key = std::make_pair(tenant, table);
  auto it = next_seq.find(key);
  if (it == next_seq.end()) {
    auto stmt = Prepare("SELECT COALESCE(MAX(seq), -1) + 1 FROM " + table + " WHERE tenant = ?1");
    if (!stmt.ok()) return stmt.status();
    Statement s(*stmt);
    s.Text(1, tenant);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return Error("next seq of " + table);
    it = next_seq.emplace(key, sqlite3_column_int64(s.get(), 0)).first;
  }
  return it->second++;
}

void Store::Impl::Publish(std::shared_ptr<const TenantView> view) {
  std::string id(view->id());
  {
    std::lock_guard<std::mutex> lock(views_mu);
    views[id] = std::move(view);
  }
  ReleaseMemory();
}

void Store::Impl::ReleaseMemory() {
  sqlite3_db_release_memory(db);
  malloc_trim(0);  // glibc's heap
  // jemalloc (linked into whyd when installed) keeps freed pages until later
  // allocations let it decay them, which an idle server never does: purge
  // every arena now. The weak reference is null under any other allocator.
  if (mallctl != nullptr) mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // 4096: all arenas
}


Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
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
  WHYD_RETURN_IF_ERROR(impl->CheckLayout(path));
  WHYD_RETURN_IF_ERROR(impl->Exec(kSchemaSql));
  WHYD_RETURN_IF_ERROR(impl->Exec(("PRAGMA user_version = " + std::to_string(kLayoutVersion)).c_str()));

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
    StatusOr<std::shared_ptr<const TenantView>> view = impl->LoadView(t);
    if (!view.ok()) return view.status();
    impl->Publish(*std::move(view));
  }
  impl->ReleaseMemory();
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

ImportResult Store::ImportSnapshot(std::string_view text, const ImportOptions& options) {
  json doc;
  if (std::optional<ImportResult> refused = ParseBody(text, options.max_bytes, "snapshot", &doc)) {
    return *std::move(refused);
  }
  ImportResult result;
  result.counts = CountSnapshot(doc);
  std::lock_guard<std::mutex> lock(impl_->write_mu);
  const RawRecords raw = RawScanner(text).Scan();
  return impl_->ValidateWriteAndPublish(doc, &raw, nullptr, options.expected_tenant, options,
                                        std::move(result));
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
