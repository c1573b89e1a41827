// The inside of Store, shared by its two source files: store.cc (opening,
// snapshot imports, publication of views) and store_records.cc (record
// upserts and deletes). Internal to the store.
//
// Thread-safety: as Store (store.h): `db` and `statements` are used only with
// `write_mu` held; `views` only with `views_mu` held.
#ifndef WHYD_KNOWLEDGE_STORE_IMPL_H_
#define WHYD_KNOWLEDGE_STORE_IMPL_H_

#include <sqlite3.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/status.h"
#include "knowledge/snapshot_validator.h"
#include "knowledge/store.h"

namespace whyd {

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
  const char* owner;  // the column naming the owning user of a related record, else ""
};

// The tables, in the order references allow (referenced first).
const std::vector<Table>& Tables();

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

std::string_view ColumnText(sqlite3_stmt* stmt, int col);
// Turns a parse error of nlohmann::json into one FieldError.
FieldError ParseErrorOf(const nlohmann::json::exception& e);
ImportResult Failure(Status status, std::vector<FieldError> errors = {}, bool truncated = false);
// kInvalidArgument with every error, summarised by the first.
ImportResult InvalidInput(ErrorList& errors);
// "/users/u-7": how errors name a stored record.
std::string Pointer(std::string_view collection, std::string_view key);
// Parses a request or snapshot body of at most `max_bytes` into `out`; the
// refusal (kResourceExhausted, or kInvalidArgument with the parser's
// position) when it is too large or not JSON. `what` names it ("snapshot").
std::optional<ImportResult> ParseBody(std::string_view text, size_t max_bytes, const char* what,
                                      nlohmann::json* out);
// INSERT of a row of `table`: ?1 tenant, ?2 seq, then its columns, then the record.
std::string InsertSql(const Table& table);
// Binds a record's key columns from parameter `first` on; returns the next free index.
int BindColumns(Statement& s, int first, const Table& table, const nlohmann::json& record);
// The count of `collection` in `c`.
int64_t* CountOf(ImportCounts& c, std::string_view collection);

// The raw text of each record of a snapshot's collections (see RawScanner).
using RawRecords = std::unordered_map<std::string, std::vector<std::string_view>>;

struct Store::Impl {
  using json = nlohmann::json;

  sqlite3* db = nullptr;
  // Guards db and statements: one writer at a time. The connection is opened
  // NOMUTEX because this mutex already serialises every use of it.
  std::mutex write_mu;
  std::unordered_map<std::string, sqlite3_stmt*> statements;
  mutable std::mutex views_mu;  // guards views
  std::map<std::string, std::shared_ptr<const TenantView>, std::less<>> views;

  ~Impl();

  Status Error(std::string_view what) const;

  Status Exec(const char* sql);

  // A cached prepared statement (caller holds write_mu).
  StatusOr<sqlite3_stmt*> Prepare(const std::string& sql);

  // Builds the view of one tenant straight from its rows, a record at a time,
  // so that opening a store never holds a tenant's whole document. The rows
  // were validated before they were committed; a row that is not what the
  // builder expects (a file edited by hand, say) fails the open with its table.
  StatusOr<std::shared_ptr<const TenantView>> LoadView(std::string_view tenant);

  // Replaces the tenant's rows with `doc`, inside the caller's transaction.
  // The document may still be invalid (it is validated concurrently): shapes
  // are not trusted here, and any failure just aborts the transaction.
  Status WriteRows(const json& doc, const RawRecords* raw, const ImportOptions& options);

  // Validates `doc` and, at the same time, writes it in an open transaction:
  // the transaction commits only if the document is valid (else it rolls back,
  // and nothing was applied). The new view is built once validation passed,
  // while rows are still being written, and published after the commit.
  // Caller holds write_mu.
  ImportResult ValidateWriteAndPublish(json& doc, const RawRecords* raw, const PathNames* names,
                                       const std::string& expected_tenant,
                                       const ImportOptions& options, ImportResult result);

  // OK for a new file or one of this layout; FailedPrecondition, saying what
  // to do, for a file another version of whyd wrote.
  Status CheckLayout(const std::string& path);

  // The next free seq of a table for a tenant (above every stored one),
  // cached: finding it in a table clustered by user means a scan. Imports
  // of the tenant forget the cache.
  StatusOr<int64_t> NextSeq(const std::string& tenant, const std::string& table);
  std::map<std::pair<std::string, std::string>, int64_t> next_seq;

  void Publish(std::shared_ptr<const TenantView> view);

  // Serving reads only the views, never SQLite: after a load or a write, give
  // back SQLite's page cache and the memory the parser and an old view used, so
  // that a process's size is its views'. Caller holds write_mu (or is Open).
  void ReleaseMemory();
};

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_STORE_IMPL_H_
