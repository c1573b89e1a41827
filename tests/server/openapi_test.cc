// The OpenAPI document and the server agree: every documented path/method is
// answered (not 404/405), and every route the server has is documented.
#include <catch2/catch.hpp>

#include "tests/server/test_server.h"

namespace whyd::testing {
namespace {

std::string Concrete(std::string path) {
  for (auto [param, value] : {std::pair{"{tenant}", "demo"}, std::pair{"{id}", "account-locked"}}) {
    if (auto at = path.find(param); at != std::string::npos) path.replace(at, std::string(param).size(), value);
  }
  return path;
}

TEST_CASE("the OpenAPI document lists exactly the server's routes, and the server answers each") {
  TestServer server;
  auto r = server.Client().Get("/openapi.json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  const nlohmann::json doc = nlohmann::json::parse(r->body);
  CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);

  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert({upper, path});
      INFO(upper << " " << path);
      httplib::Headers auth = TestServer::Auth("all-key");
      httplib::Result answer = upper == "GET"    ? server.Client().Get(Concrete(path).c_str(), auth)
                               : upper == "POST" ? server.Client().Post(Concrete(path).c_str(), auth, "{}", "application/json")
                                                 : server.Client().Put(Concrete(path).c_str(), auth, "{}", "application/json");
      REQUIRE(answer);
      CHECK(answer->status != 404);
      CHECK(answer->status != 405);
      CHECK(answer->status < 500);
    }
  }
  std::set<std::pair<std::string, std::string>> served;
  for (const RouteInfo& route : HttpService::Routes()) served.insert({route.method, route.path});
  CHECK(documented == served);
}

TEST_CASE("every $ref in the OpenAPI document resolves") {
  TestServer server;
  const nlohmann::json doc = nlohmann::json::parse(server.Client().Get("/openapi.json")->body);
  std::vector<std::string> refs;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (node.is_object()) {
      for (const auto& [key, value] : node.items()) {
        if (key == "$ref") refs.push_back(value.get<std::string>());
        else walk(value);
      }
    } else if (node.is_array()) {
      for (const auto& value : node) walk(value);
    }
  };
  walk(doc);
  REQUIRE(refs.size() > 10);
  for (const std::string& ref : refs) {
    INFO(ref);
    REQUIRE(ref.rfind("#/", 0) == 0);
    CHECK(doc.contains(nlohmann::json::json_pointer(ref.substr(1))));
  }
}

}  // namespace
}  // namespace whyd::testing
