// The OpenAPI 3 document served at GET /openapi.json. tests/server checks that
// it lists exactly the routes of HttpService::Routes().
//
// Thread-safety: immutable static data.
#ifndef WHYD_SERVER_OPENAPI_H_
#define WHYD_SERVER_OPENAPI_H_

#include <string_view>

namespace whyd {

std::string_view OpenApiDocument();

}  // namespace whyd

#endif  // WHYD_SERVER_OPENAPI_H_
