// Synthetic tenant generation; see store_synthetic.h.
#include "knowledge/store_synthetic.h"

#include <algorithm>
#include <random>

#include <nlohmann/json.hpp>

#include "engine/time_util.h"

namespace whyd {
namespace {

const char* const kFirst[] = {"Jamie", "Alex", "Sam", "Priya", "Omar", "Ella", "Liam", "Zoe", "Noah", "Mia",
                              "Ava", "Leo", "Isla", "Jack", "Ruby", "Ivy", "Kai", "Nia", "Tom", "Amir"};
const char* const kLast[] = {"Smith", "Jones", "Taylor", "Brown", "Patel", "Khan", "Evans", "Wilson",
                             "Davies", "Walker", "Green", "Hall", "Wood", "Clarke", "Hughes", "Ali"};

std::string Pick(std::mt19937_64& rng, const char* const* items, size_t n) {
  return items[std::uniform_int_distribution<size_t>(0, n - 1)(rng)];
}

}  // namespace

std::string GenerateSyntheticTenant(const SyntheticOptions& o) {
  using nlohmann::json;
  std::mt19937_64 rng(o.seed);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int64_t now = ParseTimestamp(o.as_of).value_or(0);
  const int32_t today = DateOfTime(now);
  auto time_ago = [&](int days) { return FormatTimestampIso(now - int64_t{days} * kSecondsPerDay - uniform(0, 86399)); };

  const int learners = std::max(o.learners, 1);
  const int regions = 3, centres_per_region = 8;
  const int orgs = std::max(1, learners / 50);
  const int admins = std::max(3, learners / 200);

  std::string out;
  out.reserve(static_cast<size_t>(learners) * 1800);
  json head = {{"schema", "account-state/1"}, {"as_of", o.as_of},
               {"tenant", {{"id", o.tenant_id}, {"name", "Synthetic Training " + o.tenant_id},
                           {"settings", {{"default_subscription_days", 730}, {"lockout_threshold", 5},
                                         {"lockout_minutes", 30}, {"password_valid_days", 120},
                                         {"mfa_internal", true}, {"mfa_external", false},
                                         {"mfv_enabled", false}, {"sso_configured", true},
                                         {"identity_providers", {"Synthetic IdP"}},
                                         {"classic_default", true}, {"console_default", true},
                                         {"process_automation", true},
                                         {"preferred_name_mandatory", false},
                                         {"data_retention_years", 6}}}}}};
  std::string h = head.dump();
  h.pop_back();  // keep the object open for the collections
  out += h;

  auto open_list = [&](const char* name) { out += ",\""; out += name; out += "\":["; };
  bool first = true;
  auto item = [&](const json& rec) {
    if (!first) out += ',';
    first = false;
    out += rec.dump();
  };
  auto close_list = [&] { out += ']'; first = true; };

  std::vector<std::string> centres;
  open_list("groups");
  for (int r = 0; r < regions; ++r) {
    std::string root = "g-r" + std::to_string(r);
    item({{"id", root}, {"name", "Region " + std::to_string(r)}, {"parent", nullptr}});
    for (int c = 0; c < centres_per_region; ++c) {
      std::string id = root + "-c" + std::to_string(c);
      centres.push_back(id);
      item({{"id", id}, {"name", "Centre " + std::to_string(r) + "." + std::to_string(c)}, {"parent", root}});
    }
  }
  close_list();
  open_list("organisations");
  for (int i = 0; i < orgs; ++i) item({{"id", "org-" + std::to_string(i)}, {"name", "Employer " + std::to_string(i)}, {"type", "employer"}});
  close_list();

  std::vector<int> org_centre(orgs);
  for (int i = 0; i < orgs; ++i) org_centre[i] = uniform(0, static_cast<int>(centres.size()) - 1);
  auto status_of_learner = [&] {
    int p = uniform(0, 99);
    if (p < 70) return "full_user";
    if (p < 78) return "invited";
    if (p < 81) return "prospect";
    if (p < 86) return "expired";
    if (p < 94) return "cancelled";
    return "archived";
  };
  auto base_user = [&](const std::string& id, const char* type, const std::string& status, const std::string& group) {
    std::string first_name = Pick(rng, kFirst, std::size(kFirst));
    std::string last_name = Pick(rng, kLast, std::size(kLast));
    std::string email = first_name + "." + last_name + "." + id + "@example.org";
    std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
    const bool active = status != "prospect" && status != "invited";
    return json{{"id", id}, {"type", type}, {"first_name", first_name}, {"last_name", last_name},
                {"preferred_name", nullptr}, {"email", email}, {"username", email},
                {"mobile", "+4477009" + std::to_string(100000 + uniform(0, 899999))}, {"phone", nullptr},
                {"status", status}, {"registered_at", time_ago(uniform(60, 900))},
                {"invited_at", status == "prospect" ? json(nullptr) : json(time_ago(uniform(50, 800)))},
                {"activated_at", active ? json(time_ago(uniform(40, 700))) : json(nullptr)},
                {"subscription_end", FormatDateIso(today + (status == "expired" ? -uniform(1, 300) : uniform(1, 900)))},
                {"auth_type", chance(0.1) ? "sso" : "password"}, {"sso_unique_id", nullptr},
                {"mfa_registered", chance(0.3)},
                {"password_set_at", active ? json(time_ago(uniform(1, 200))) : json(nullptr)},
                {"failed_logins", chance(0.03) ? 5 : uniform(0, 2)},
                {"locked_until", chance(0.01) ? json(FormatTimestampIso(now + 600)) : json(nullptr)},
                {"last_login_at", active ? json(time_ago(uniform(0, 60))) : json(nullptr)},
                {"classic_access", !chance(0.05)}, {"console_access", !chance(0.05)},
                {"groups", {group}}, {"organisation_id", nullptr}, {"roles", json::array()},
                {"permissions", json::array()}};
  };

  open_list("users");
  for (int i = 0; i < admins; ++i) {
    json u = base_user("a-" + std::to_string(i), "admin", "full_user",
                       i == 0 ? std::string("g-r0") : centres[i % centres.size()]);
    u["roles"] = i == 0 ? json{"supervisor", "create_users", "edit_learner_details", "bulk_upload"}
                        : json{"create_users", "edit_learner_details", "assessor"};
    item(u);
  }
  for (int i = 0; i < orgs * 2; ++i) {
    const int org = i / 2;
    json u = base_user("e-" + std::to_string(i), "employer", chance(0.9) ? "full_user" : "cancelled",
                       centres[org_centre[org]]);
    u["organisation_id"] = "org-" + std::to_string(org);
    u["permissions"] = i % 2 == 0 ? json{"learners_progress"} : json{"view_all_in_assigned_groups", "learners_progress"};
    item(u);
  }
  std::vector<std::string> learner_status(learners);
  for (int i = 0; i < learners; ++i) {
    const int org = uniform(0, orgs - 1);
    learner_status[i] = status_of_learner();
    json u = base_user("l-" + std::to_string(i), "learner", learner_status[i], centres[org_centre[org]]);
    u["organisation_id"] = "org-" + std::to_string(org);
    u["case_owner_id"] = "a-" + std::to_string(uniform(0, admins - 1));
    u["manager_id"] = "e-" + std::to_string(org * 2);
    u["mentor_id"] = chance(0.3) ? json("e-" + std::to_string(org * 2 + 1)) : json(nullptr);
    item(u);
  }
  close_list();

  const char* prog_status[] = {"active", "active", "active", "on_break", "complete", "onboarding", "stopped"};
  open_list("programmes");
  for (int i = 0; i < learners; ++i) {
    item({{"id", "p-" + std::to_string(i)}, {"learner_id", "l-" + std::to_string(i)}, {"name", "Team Leader L3"},
          {"kind", "delivery"}, {"status", prog_status[uniform(0, 6)]}, {"start_date", FormatDateIso(today - uniform(30, 700))},
          {"planned_end_date", FormatDateIso(today + uniform(30, 700))}, {"completed_on", nullptr}});
  }
  close_list();
  open_list("ilr_episodes");
  for (int i = 0; i < learners; ++i) {
    item({{"id", "i-" + std::to_string(i)}, {"learner_id", "l-" + std::to_string(i)}, {"academic_year", "2025/26"},
          {"status", chance(0.5) ? "qa_verified" : "draft"}, {"in_batch", chance(0.6)}, {"funded", chance(0.9)}});
  }
  close_list();
  open_list("documents");
  for (int i = 0; i < learners; ++i) {
    const bool signed_all = chance(0.6);
    item({{"id", "d-" + std::to_string(i)}, {"learner_id", "l-" + std::to_string(i)}, {"kind", "compliance"},
          {"title", "Commitment Statement"}, {"status", signed_all ? "signed" : "awaiting_signatures"},
          {"signatures_required", {"learner", "employer", "provider"}},
          {"signed_by", signed_all ? json{"learner", "employer", "provider"} : json{"provider"}}});
  }
  close_list();
  const char* mail_status[] = {"delivered", "delivered", "delivered", "delivered", "deferred", "bounced", "blocked"};
  open_list("emails");
  for (int i = 0; i < learners; ++i) {
    if (learner_status[i] == "prospect") continue;
    item({{"id", "m-" + std::to_string(i)}, {"user_id", "l-" + std::to_string(i)}, {"kind", "activation"},
          {"to", "x"}, {"sent_at", time_ago(uniform(30, 800))}, {"status", mail_status[uniform(0, 6)]}});
  }
  close_list();
  open_list("sign_ins");
  for (int i = 0; i < learners; ++i) {
    if (learner_status[i] == "prospect" || learner_status[i] == "invited") continue;
    const int n = uniform(1, 3);
    for (int k = 0; k < n; ++k) {
      item({{"user_id", "l-" + std::to_string(i)}, {"at", time_ago(n - k)},
            {"outcome", chance(0.8) ? "success" : "bad_password"}, {"interface", "console"}});
    }
  }
  close_list();
  out += '}';
  return out;
}

}  // namespace whyd
