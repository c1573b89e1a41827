// The self-service page (server/page/*), embedded into the binary at build time
// by cmake/embed.cmake so that `whyd serve` needs no files besides itself.
//
// Thread-safety: immutable static data.
#ifndef WHYD_SERVER_PAGE_ASSETS_H_
#define WHYD_SERVER_PAGE_ASSETS_H_

#include <string_view>

namespace whyd {

struct PageAsset {
  std::string_view name;          // "index.html", "app.js", "style.css"
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view body;
};

// The embedded file called `name`, or null.
const PageAsset* FindPageAsset(std::string_view name);

}  // namespace whyd

#endif  // WHYD_SERVER_PAGE_ASSETS_H_
