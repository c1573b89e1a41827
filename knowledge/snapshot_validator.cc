// Snapshot validation; see snapshot_validator.h.
#include "knowledge/snapshot_validator.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "engine/time_util.h"
#include "knowledge/account_schema.h"

namespace whyd {
namespace {

using json = nlohmann::json;

std::vector<CollectionSpec>* BuildCollections() {
  const AccountFields& f = Fields();
  auto spec = [](const RecordType* type, std::vector<FieldSpec> fields) {
    for (FieldSpec& fs : fields) {
      std::string_view name = fs.key == "groups" && type == Fields().user ? "group_ids" : fs.key;
      fs.field = type->FindField(name);
    }
    return fields;
  };
  const std::vector<std::string_view> user_types = {"learner", "employer", "admin", "referrer"};
  const std::vector<std::string_view> statuses = {"prospect", "invited", "full_user",
                                                  "expired", "cancelled", "archived"};
  const std::vector<std::string_view> roles = {
      "supervisor", "create_users", "create_admins", "bulk_upload", "data_export",
      "edit_learner_details", "ilr_qa", "compliance_qa", "assessor", "manage_tenant_settings"};
  const std::vector<std::string_view> permissions = {
      "view_all_in_assigned_groups", "learners_progress", "compliance_mass_processing", "assessor"};
  const std::vector<std::string_view> signatories = {"learner", "employer", "provider"};
  using S = Shape;
  auto* c = new std::vector<CollectionSpec>;
  c->push_back({"groups", f.group, true, spec(f.group, {
      {"id", S::kString, {}, true, "", -1},
      {"name", S::kString, {}, false, "", -1},
      {"parent", S::kString, {}, false, "groups", -1},
  })});
  c->push_back({"organisations", f.organisation, true, spec(f.organisation, {
      {"id", S::kString, {}, true, "", -1},
      {"name", S::kString, {}, false, "", -1},
      {"type", S::kEnum, {"employer", "referrer", "training", "other"}, false, "", -1},
  })});
  c->push_back({"users", f.user, true, spec(f.user, {
      {"id", S::kString, {}, true, "", -1},
      {"type", S::kEnum, user_types, true, "", -1},
      {"first_name", S::kString, {}, false, "", -1},
      {"last_name", S::kString, {}, false, "", -1},
      {"preferred_name", S::kString, {}, false, "", -1},
      {"email", S::kString, {}, false, "", -1},
      {"username", S::kString, {}, false, "", -1},
      {"mobile", S::kString, {}, false, "", -1},
      {"phone", S::kString, {}, false, "", -1},
      {"status", S::kEnum, statuses, false, "", -1},
      {"registered_at", S::kTime, {}, false, "", -1},
      {"invited_at", S::kTime, {}, false, "", -1},
      {"activated_at", S::kTime, {}, false, "", -1},
      {"subscription_end", S::kDate, {}, false, "", -1},
      {"auth_type", S::kEnum, {"password", "sso"}, false, "", -1},
      {"sso_unique_id", S::kString, {}, false, "", -1},
      {"mfa_registered", S::kBool, {}, false, "", -1},
      {"password_set_at", S::kTime, {}, false, "", -1},
      {"failed_logins", S::kInt, {}, false, "", -1},
      {"locked_until", S::kTime, {}, false, "", -1},
      {"last_login_at", S::kTime, {}, false, "", -1},
      {"classic_access", S::kBool, {}, false, "", -1},
      {"console_access", S::kBool, {}, false, "", -1},
      {"groups", S::kStringList, {}, false, "groups", -1},
      {"organisation_id", S::kString, {}, false, "organisations", -1},
      {"roles", S::kEnumList, roles, false, "", -1},
      {"permissions", S::kEnumList, permissions, false, "", -1},
      {"case_owner_id", S::kString, {}, false, "users", -1},
      {"manager_id", S::kString, {}, false, "users", -1},
      {"mentor_id", S::kString, {}, false, "users", -1},
  })});
  c->push_back({"programmes", f.programme, true, spec(f.programme, {
      {"id", S::kString, {}, true, "", -1},
      {"learner_id", S::kString, {}, true, "users", -1},
      {"name", S::kString, {}, false, "", -1},
      {"kind", S::kEnum, {"onboarding", "delivery"}, false, "", -1},
      {"status", S::kEnum, {"onboarding", "ready_to_enrol", "active", "on_break", "entered_epa",
                            "pending_change", "complete", "stopped"}, false, "", -1},
      {"start_date", S::kDate, {}, false, "", -1},
      {"planned_end_date", S::kDate, {}, false, "", -1},
      {"completed_on", S::kDate, {}, false, "", -1},
  })});
  c->push_back({"ilr_episodes", f.ilr_episode, true, spec(f.ilr_episode, {
      {"id", S::kString, {}, true, "", -1},
      {"learner_id", S::kString, {}, true, "users", -1},
      {"academic_year", S::kString, {}, false, "", -1},
      {"status", S::kEnum, {"draft", "qa_verified", "completed"}, false, "", -1},
      {"in_batch", S::kBool, {}, false, "", -1},
      {"funded", S::kBool, {}, false, "", -1},
  })});
  c->push_back({"documents", f.document, true, spec(f.document, {
      {"id", S::kString, {}, true, "", -1},
      {"learner_id", S::kString, {}, true, "users", -1},
      {"kind", S::kEnum, {"compliance", "review"}, false, "", -1},
      {"title", S::kString, {}, false, "", -1},
      {"status", S::kEnum, {"awaiting_signatures", "signed", "void"}, false, "", -1},
      {"signatures_required", S::kEnumList, signatories, false, "", -1},
      {"signed_by", S::kEnumList, signatories, false, "", -1},
  })});
  c->push_back({"emails", f.email, true, spec(f.email, {
      {"id", S::kString, {}, true, "", -1},
      {"user_id", S::kString, {}, true, "users", -1},
      {"kind", S::kEnum, {"activation", "password_reset", "notification"}, false, "", -1},
      {"to", S::kString, {}, false, "", -1},
      {"sent_at", S::kTime, {}, false, "", -1},
      {"status", S::kEnum, {"queued", "delivered", "deferred", "bounced", "blocked",
                            "spam_complaint"}, false, "", -1},
  })});
  c->push_back({"sign_ins", f.sign_in, false, spec(f.sign_in, {
      {"user_id", S::kString, {}, true, "users", -1},
      {"at", S::kTime, {}, true, "", -1},
      {"outcome", S::kEnum, {"success", "bad_password", "locked", "sso_required",
                             "not_activated", "expired", "cancelled", "no_interface_access",
                             "mfa_failed", "unknown_user"}, false, "", -1},
      {"interface", S::kEnum, {"console", "classic"}, false, "", -1},
  })});
  return c;
}

std::vector<FieldSpec>* BuildSettings() {
  using S = Shape;
  auto* s = new std::vector<FieldSpec>{
      {"default_subscription_days", S::kInt, {}, false, "", -1},
      {"lockout_threshold", S::kInt, {}, false, "", -1},
      {"lockout_minutes", S::kInt, {}, false, "", -1},
      {"password_valid_days", S::kInt, {}, false, "", -1},
      {"mfa_internal", S::kBool, {}, false, "", -1},
      {"mfa_external", S::kBool, {}, false, "", -1},
      {"mfv_enabled", S::kBool, {}, false, "", -1},
      {"sso_configured", S::kBool, {}, false, "", -1},
      {"identity_providers", S::kStringList, {}, false, "", -1},
      {"classic_default", S::kBool, {}, false, "", -1},
      {"console_default", S::kBool, {}, false, "", -1},
      {"process_automation", S::kBool, {}, false, "", -1},
      {"preferred_name_mandatory", S::kBool, {}, false, "", -1},
      {"data_retention_years", S::kInt, {}, false, "", -1},
  };
  for (FieldSpec& fs : *s) fs.field = Fields().settings->FindField(fs.key);
  return s;
}

std::string_view JsonTypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "something else";
  }
}


// Checks one present, non-null value against its spec.
void CheckValue(const FieldSpec& spec, const json& v, const std::string& path, ErrorList* errors) {
  auto expected = [&](std::string_view what) {
    errors->Add(path, "expected " + std::string(what) + ", got " + std::string(JsonTypeName(v)));
  };
  switch (spec.shape) {
    case Shape::kString:
      if (!v.is_string()) expected("a string");
      else if (spec.key == "id" && v.get_ref<const std::string&>().empty())
        errors->Add(path, "an id must not be empty");
      return;
    case Shape::kInt:
      if (!v.is_number_integer()) expected("an integer");
      else if (v.get<int64_t>() < 0) errors->Add(path, "must not be negative");
      return;
    case Shape::kBool:
      if (!v.is_boolean()) expected("true or false");
      return;
    case Shape::kDate:
      if (!v.is_string()) expected("a date YYYY-MM-DD");
      else if (!ParseDate(v.get_ref<const std::string&>()))
        errors->Add(path, "expected a date YYYY-MM-DD, got " + Quote(v.get_ref<const std::string&>()));
      return;
    case Shape::kTime:
      if (!v.is_string()) expected("an ISO-8601 timestamp");
      else if (!ParseTimestamp(v.get_ref<const std::string&>()))
        errors->Add(path, "expected an ISO-8601 timestamp, got " + Quote(v.get_ref<const std::string&>()));
      return;
    case Shape::kEnum:
      if (!v.is_string()) {
        expected("a string");
      } else {
        const auto& s = v.get_ref<const std::string&>();
        if (std::find(spec.values.begin(), spec.values.end(), s) == spec.values.end())
          errors->Add(path, "unknown value " + Quote(s));
      }
      return;
    case Shape::kStringList:
    case Shape::kEnumList: {
      if (!v.is_array()) { expected("an array"); return; }
      for (size_t i = 0; i < v.size(); ++i) {
        const json& item = v[i];
        std::string item_path = path + "/" + std::to_string(i);
        if (!item.is_string()) {
          errors->Add(item_path, "expected a string, got " + std::string(JsonTypeName(item)));
        } else if (spec.shape == Shape::kEnumList) {
          const auto& s = item.get_ref<const std::string&>();
          if (std::find(spec.values.begin(), spec.values.end(), s) == spec.values.end())
            errors->Add(item_path, "unknown value " + Quote(s));
        }
      }
      return;
    }
    case Shape::kObject:
      if (!v.is_object()) expected("an object");
      return;
  }
}

// The common case, checked without building a path: a value of the right type
// (strings, integers, booleans; dates, times, enums and lists get the full check).
bool IsPlainlyValid(const FieldSpec& spec, const json& v) {
  switch (spec.shape) {
    case Shape::kString: return v.is_string() && (spec.key != "id" || !v.get_ref<const std::string&>().empty());
    case Shape::kInt: return v.is_number_integer() && v.get<int64_t>() >= 0;
    case Shape::kBool: return v.is_boolean();
    case Shape::kEnum:
      return v.is_string() &&
             std::find(spec.values.begin(), spec.values.end(), v.get_ref<const std::string&>()) != spec.values.end();
    default: return false;
  }
}

// Paths are built only when a value is wrong: most snapshots have no errors,
// and building a string per field would dominate the cost of validation.
void CheckFields(const std::vector<FieldSpec>& specs, const json& obj, const std::string& prefix,
                 ErrorList* errors) {
  for (const FieldSpec& spec : specs) {
    auto it = obj.find(spec.key);
    auto path = [&] { return prefix + "/" + std::string(spec.key); };
    if (it == obj.end() || it->is_null()) {
      if (spec.required) errors->Add(path(), it == obj.end() ? "required field is missing" : "required field is null");
      continue;
    }
    if (IsPlainlyValid(spec, *it)) continue;
    CheckValue(spec, *it, path(), errors);
  }
}

const std::string* StringAt(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

}  // namespace

std::string Quote(std::string_view s) {
  std::string out = "'";
  out.append(s.substr(0, 80));
  if (s.size() > 80) out += "...";
  out += "'";
  return out;
}

const std::vector<CollectionSpec>& SnapshotCollections() {
  static const std::vector<CollectionSpec>* c = BuildCollections();
  return *c;
}

const CollectionSpec* FindCollection(std::string_view name) {
  for (const CollectionSpec& c : SnapshotCollections()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const std::vector<FieldSpec>& SettingsSpec() {
  static const std::vector<FieldSpec>* s = BuildSettings();
  return *s;
}

void ErrorList::Add(std::string path, std::string reason) {
  if (full()) {
    truncated_ = true;
    return;
  }
  errors_.push_back({std::move(path), std::move(reason)});
}

std::string PathNames::Of(std::string_view collection, size_t index) const {
  auto it = prefixes.find(collection);
  if (it != prefixes.end() && index < it->second.size()) return it->second[index];
  std::string path = "/";
  path.append(collection);
  path += '/';
  path += std::to_string(index);
  return path;
}

std::string NormaliseKey(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t' || text[b] == '\n' || text[b] == '\r')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\n' || text[e - 1] == '\r')) --e;
  std::string out(text.substr(b, e - b));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void ValidateSnapshot(const json& doc, const PathNames* names, ErrorList* errors,
                      const StoredRecords* stored) {
  PathNames default_names;
  if (names == nullptr) names = &default_names;
  if (!doc.is_object()) {
    errors->Add("", "a snapshot must be a JSON object, got " + std::string(JsonTypeName(doc)));
    return;
  }
  const std::string* schema = StringAt(doc, "schema");
  if (!doc.contains("schema")) {
    errors->Add("/schema", "required field is missing (expected 'account-state/1')");
  } else if (schema == nullptr || *schema != kSnapshotSchema) {
    errors->Add("/schema", "expected 'account-state/1', got " +
                               (schema ? Quote(*schema) : std::string(JsonTypeName(doc["schema"]))));
  }
  if (auto it = doc.find("as_of"); it != doc.end() && !it->is_null()) {
    CheckValue({"as_of", Shape::kTime, {}, false, "", -1}, *it, "/as_of", errors);
  }
  auto tenant = doc.find("tenant");
  if (tenant == doc.end()) {
    errors->Add("/tenant", "required field is missing");
  } else if (!tenant->is_object()) {
    errors->Add("/tenant", "expected an object, got " + std::string(JsonTypeName(*tenant)));
  } else {
    CheckFields({{"id", Shape::kString, {}, true, "", -1}, {"name", Shape::kString, {}, false, "", -1},
                 {"settings", Shape::kObject, {}, false, "", -1}},
                *tenant, "/tenant", errors);
    if (auto s = tenant->find("settings"); s != tenant->end() && s->is_object()) {
      CheckFields(SettingsSpec(), *s, "/tenant/settings", errors);
    }
  }

  // Pass 1: shapes, and the ids of every collection.
  std::unordered_map<std::string_view, std::unordered_map<std::string_view, size_t>> ids;
  for (const CollectionSpec& c : SnapshotCollections()) {
    auto& by_id = ids[c.name];
    auto it = doc.find(c.name);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_array()) {
      errors->Add("/" + std::string(c.name), "expected an array, got " + std::string(JsonTypeName(*it)));
      continue;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& rec = (*it)[i];
      const std::string prefix = names->Of(c.name, i);
      if (!rec.is_object()) {
        errors->Add(prefix, "expected an object, got " + std::string(JsonTypeName(rec)));
        continue;
      }
      CheckFields(c.fields, rec, prefix, errors);
      if (!c.has_id) continue;
      const std::string* id = StringAt(rec, "id");
      if (id == nullptr || id->empty()) continue;
      auto [pos, inserted] = by_id.emplace(*id, i);
      if (!inserted) {
        errors->Add(prefix + "/id", "duplicate id " + Quote(*id) + " (also at " + names->Of(c.name, pos->second) + ")");
      }
    }
  }

  // Pass 2: references, learner-only fields, uniqueness, cycles.
  std::unordered_map<std::string, size_t> logins;  // normalised email/username -> user index
  for (const CollectionSpec& c : SnapshotCollections()) {
    auto it = doc.find(c.name);
    if (it == doc.end() || !it->is_array()) continue;
    for (size_t i = 0; i < it->size(); ++i) {
      const json& rec = (*it)[i];
      if (!rec.is_object()) continue;
      std::string prefix_storage;
      auto prefix_of = [&]() -> const std::string& {
        if (prefix_storage.empty()) prefix_storage = names->Of(c.name, i);
        return prefix_storage;
      };
      for (const FieldSpec& spec : c.fields) {
        if (spec.ref.empty()) continue;
        auto f = rec.find(spec.key);
        if (f == rec.end() || f->is_null()) continue;
        const auto& targets = ids[spec.ref];
        std::string_view noun = spec.ref == "groups" ? "group" : spec.ref == "users" ? "user" : "organisation";
        auto check = [&](const json& v, const auto& path) {
          if (!v.is_string()) return;  // reported in pass 1
          const auto& id = v.get_ref<const std::string&>();
          if (!targets.count(id) && !(stored != nullptr && stored->Has(spec.ref, id))) {
            errors->Add(path(), "no " + std::string(noun) + " with id " + Quote(id));
          }
        };
        auto path = [&] { return prefix_of() + "/" + std::string(spec.key); };
        if (f->is_array()) {
          for (size_t k = 0; k < f->size(); ++k) check((*f)[k], [&] { return path() + "/" + std::to_string(k); });
        } else {
          check(*f, path);
        }
      }
      if (c.name != "users") continue;
      const std::string* type = StringAt(rec, "type");
      if (type != nullptr && *type != "learner") {
        for (std::string_view key : {"case_owner_id", "manager_id", "mentor_id"}) {
          auto f = rec.find(key);
          if (f != rec.end() && !f->is_null()) {
            errors->Add(prefix_of() + "/" + std::string(key),
                        "learner-only field must be absent or null on a user of type " + Quote(*type));
          }
        }
      }
      for (std::string_view key : {"email", "username"}) {
        const std::string* value = StringAt(rec, key);
        if (value == nullptr) continue;
        std::string norm = NormaliseKey(*value);
        if (norm.empty()) continue;
        auto [pos, inserted] = logins.emplace(norm, i);
        std::string holder;
        if (!inserted && pos->second != i) {
          holder = names->Of("users", pos->second);
        } else if (inserted && stored != nullptr) {
          holder = stored->LoginHolder(norm);
        }
        if (!holder.empty()) {
          errors->Add(prefix_of() + "/" + std::string(key),
                      Quote(*value) + " is already the email or username of " + holder +
                          " (addresses are unique ignoring case and spaces)");
        }
      }
    }
  }

  // Cycles in the group forest: follow parents from every group.
  if (auto g = doc.find("groups"); g != doc.end() && g->is_array()) {
    const auto& group_ids = ids["groups"];
    std::vector<int> state(g->size(), 0);  // 0 unvisited, 1 on the current walk, 2 done
    for (size_t start = 0; start < g->size(); ++start) {
      std::vector<size_t> walk;
      size_t cur = start;
      while (true) {
        if (state[cur] == 2) break;
        if (state[cur] == 1) {
          std::string cycle;
          auto from = std::find(walk.begin(), walk.end(), cur);
          for (auto w = from; w != walk.end(); ++w) cycle += *StringAt((*g)[*w], "id") + " -> ";
          cycle += *StringAt((*g)[cur], "id");
          errors->Add(names->Of("groups", cur) + "/parent", "groups form a cycle: " + cycle);
          break;
        }
        state[cur] = 1;
        walk.push_back(cur);
        const json& rec = (*g)[cur];
        if (!rec.is_object() || !StringAt(rec, "id")) break;
        const std::string* parent = StringAt(rec, "parent");
        if (parent == nullptr) break;
        auto p = group_ids.find(*parent);
        if (p == group_ids.end()) break;
        cur = p->second;
      }
      for (size_t w : walk) state[w] = 2;
    }
  }
}

}  // namespace whyd
