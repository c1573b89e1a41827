// The inside of a TenantView: typed records of one tenant and their indexes,
// built once from a validated snapshot document.
//
// Internal to the store. BuildTenantView is called after validation (on import,
// and when Store::Open loads what SQLite holds); it trusts the document's shape.
//
// Thread-safety: built on one thread, immutable afterwards.
#ifndef WHYD_KNOWLEDGE_STORE_TENANT_H_
#define WHYD_KNOWLEDGE_STORE_TENANT_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/facts.h"
#include "knowledge/store.h"

namespace whyd {

struct TenantView::Rep {
  FactArena arena;  // owns every record, list and string below
  std::string id;
  int64_t as_of = 0;
  const Record* tenant = nullptr;
  std::vector<const Record*> users, admins;
  std::unordered_map<std::string_view, const Record*> user_by_id, group_by_id, org_by_id;
  std::unordered_map<std::string_view, const Record*> user_by_login;  // normalised keys
  std::unordered_map<std::string_view, std::vector<const Record*>> users_by_name;
  std::unordered_map<std::string_view, std::vector<const Record*>> employers_by_org;
};

std::shared_ptr<const TenantView> BuildTenantView(const nlohmann::json& snapshot);

}  // namespace whyd

#endif  // WHYD_KNOWLEDGE_STORE_TENANT_H_
