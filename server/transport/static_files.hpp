#pragma once
// The UI's files from the web root. Only files inside the root are served: `..` segments,
// encoded or not, backslashes and symbolic links that lead outside are refused.

#include <filesystem>

#include "server/transport/http.hpp"

namespace joldama::server {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  // GET or HEAD of `request.path` (already percent-decoded).
  Response serve(Request const& request) const;

 private:
  std::filesystem::path root_;  // canonical, or empty when the folder does not exist
};

// The Content-Type for a file name, by its extension.
std::string_view media_type_for(std::filesystem::path const& file);

// The security headers every HTML page carries.
void add_page_security_headers(Response& response);

}  // namespace joldama::server
