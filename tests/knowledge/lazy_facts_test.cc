// Pending facts (engine/facts.h): GatherFacts leaves a user's related records,
// recent_sign_ins, linked users and eligible employers to be built on first
// read. These tests read them only the ways rules do (through a lambda, a
// template, a linked user's list, an identity comparison), each on facts
// nothing else has read yet, and check the answers against the demo
// snapshot's JSON itself, so a reader that saw an unresolved field, or a
// field resolved twice into different records, fails here.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/expression.h"
#include "engine/facts_json.h"
#include "engine/template.h"
#include "knowledge/account_schema.h"
#include "knowledge/facts_gatherer.h"
#include "store_fixture.h"

namespace whyd {
namespace {

using json = nlohmann::json;
using testing::kNow;

struct DemoTenant {
  json doc;
  std::unique_ptr<Store> store = testing::OpenMemoryStore();
  std::shared_ptr<const TenantView> view;
  DemoTenant() {
    const std::string text = testing::DemoSnapshotText();
    doc = json::parse(text);
    REQUIRE(store->ImportSnapshot(text).ok());
    view = store->Tenant("demo");
  }
  // Facts about `user` as u-adam asks, in a fresh arena: nothing read yet.
  const Record* Fresh(FactArena& arena, const std::string& user) const {
    FactRequest req;
    req.asker_id = "u-adam";
    req.user_id = user;
    req.now = kNow;
    auto root = GatherFacts(*view, req, arena);
    REQUIRE(root.ok());
    return *root;
  }
  // The snapshot's records of `collection` belonging to `user`, oldest first
  // by `time_key` (ties in snapshot order) when one is given.
  std::vector<json> Owned(const char* collection, const std::string& user, const char* time_key = nullptr) const {
    std::vector<json> out;
    for (const json& r : doc.at(collection)) {
      if (r.value("user_id", r.value("learner_id", "")) == user) out.push_back(r);
    }
    if (time_key != nullptr) {
      std::stable_sort(out.begin(), out.end(), [&](const json& a, const json& b) {
        return a.at(time_key).get<std::string>() < b.at(time_key).get<std::string>();
      });
    }
    return out;
  }
};

Value Eval(const char* text, const Record* root, FactArena& scratch) {
  auto e = Expression::Compile(text, AccountSchema());
  INFO(text << ": " << e->error().message);
  REQUIRE(e->ok());
  return e->Evaluate(EvalContext{root, kNow, &scratch});
}

std::string Render(const char* text, const Record* root, FactArena& scratch) {
  auto t = Template::Compile(text, AccountSchema());
  INFO(text << ": " << t->error().message);
  REQUIRE(t->ok());
  return t->Render(EvalContext{root, kNow, &scratch});
}

TEST_CASE("pending facts read first through a lambda, a template or a linked user come out whole",
          "[store][facts][lazy]") {
  DemoTenant d;
  int checked_emails = 0, checked_linked = 0, checked_identity = 0;
  for (const json& user : d.doc.at("users")) {
    const std::string id = user.at("id");
    INFO("user " << id);
    FactArena scratch;
    {
      // A collection read only inside a lambda.
      FactArena arena;
      int64_t activations = 0;
      for (const json& e : d.Owned("emails", id)) activations += e.at("kind") == "activation" ? 1 : 0;
      const Value v = Eval(R"(count(user.emails, e -> e.kind == "activation"))", d.Fresh(arena, id), scratch);
      CHECK(v.kind() == Kind::kInt);
      CHECK(v.as_int() == activations);
      checked_emails += activations > 0 ? 1 : 0;
    }
    for (const char* link : {"manager", "case_owner", "mentor"}) {
      const std::string linked = user.value(std::string(link) + "_id", json()).is_string()
                                     ? user.at(std::string(link) + "_id").get<std::string>()
                                     : std::string();
      if (linked.empty()) continue;
      // A linked user's list, read only by a template.
      FactArena arena;
      std::string outcomes;
      for (const json& s : d.Owned("sign_ins", linked, "at")) {
        outcomes += (outcomes.empty() ? "" : ", ") + s.at("outcome").get<std::string>();
      }
      const std::string text = std::string("{user.") + link + R"(.sign_ins | list:"outcome"})";
      CHECK(Render(text.c_str(), d.Fresh(arena, id), scratch) == outcomes);
      // And only through a lambda over it.
      FactArena again;
      int64_t successes = 0;
      for (const json& s : d.Owned("sign_ins", linked)) successes += s.at("outcome") == "success" ? 1 : 0;
      const std::string expr = std::string("count(user.") + link + R"(.sign_ins, s -> s.outcome == "success"))";
      const Value v = Eval(expr.c_str(), d.Fresh(again, id), scratch);
      CHECK(v.kind() == Kind::kInt);
      CHECK(v.as_int() == successes);
      ++checked_linked;
    }
    {
      // Fields worked out from another pending field are its very records,
      // whichever of the two is read first.
      FactArena a, b, c, e;
      const Value activation = Eval("is_set(user.newest_activation_email)", d.Fresh(a, id), scratch);
      const bool has_activation = activation.kind() == Kind::kBool && activation.as_bool();
      if (has_activation) {
        CHECK(Eval(R"(user.newest_activation_email == last(where(user.emails, x -> x.kind == "activation")))",
                   d.Fresh(b, id), scratch).as_bool());
        CHECK(Eval("contains(user.emails, user.newest_activation_email)", d.Fresh(c, id), scratch).as_bool());
        ++checked_identity;
      }
      CHECK(Eval("all(user.recent_sign_ins, s -> contains(user.sign_ins, s))", d.Fresh(e, id), scratch).as_bool());
    }
  }
  CHECK(checked_emails >= 3);
  CHECK(checked_linked >= 20);
  CHECK(checked_identity >= 3);
}

// Reads every field of every record reachable from `v`, last field first.
void ReadBackwards(const Value& v, int depth) {
  if (depth > 8) return;
  if (v.kind() == Kind::kList) {
    for (uint32_t i = v.as_list()->size; i-- > 0;) ReadBackwards(v.as_list()->items[i], depth + 1);
  } else if (v.kind() == Kind::kRecord) {
    const Record* r = v.as_record();
    for (int i = r->type->field_count(); i-- > 0;) ReadBackwards(r->get(i), depth + 1);
  }
}

TEST_CASE("facts are the same whatever order their pending fields are read in", "[store][facts][lazy]") {
  DemoTenant d;
  for (const json& user : d.doc.at("users")) {
    const std::string id = user.at("id");
    INFO("user " << id);
    FactArena forward, backward;
    const Record* first = d.Fresh(forward, id);
    const Record* second = d.Fresh(backward, id);
    ReadBackwards(Value::OfRecord(second), 0);
    CHECK(ValueToJson(Value::OfRecord(first)) == ValueToJson(Value::OfRecord(second)));
  }
}

TEST_CASE("a pending field is built on its first read only, and once", "[store][facts][lazy]") {
  DemoTenant d;
  const AccountFields& F = Fields();
  FactArena arena;
  const Record* root = d.Fresh(arena, "u-jamie");  // 7 sign-ins, an activation email, a manager
  const Record* jamie = root->get(F.r.user).as_record();
  size_t before = arena.bytes_used();
  const Value& manager = jamie->get(F.u.manager);
  REQUIRE(manager.kind() == Kind::kRecord);
  CHECK(arena.bytes_used() > before);  // built now, not when gathered
  before = arena.bytes_used();
  CHECK(jamie->get(F.u.manager).as_record() == manager.as_record());
  const Value& sign_ins = jamie->get(F.u.sign_ins);
  REQUIRE(sign_ins.kind() == Kind::kList);
  CHECK(sign_ins.as_list()->size == 7);
  CHECK(arena.bytes_used() > before);
  before = arena.bytes_used();
  CHECK(jamie->get(F.u.sign_ins).as_list() == sign_ins.as_list());
  CHECK(jamie->get(F.u.manager).as_record() == manager.as_record());
  CHECK(arena.bytes_used() == before);  // read again: nothing built
}

}  // namespace
}  // namespace whyd
