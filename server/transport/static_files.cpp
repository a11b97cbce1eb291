#include "server/transport/static_files.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace joldama::server {

namespace {

Response not_found() {
  Response response;
  response.status = 404;
  response.body = R"({"error":{"code":"not_found","message":"no such file"}})";
  response.set_header("content-type", "application/json; charset=utf-8");
  return response;
}

}  // namespace

std::string_view media_type_for(std::filesystem::path const& file) {
  auto const ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

void add_page_security_headers(Response& response) {
  // No inline script or style, nothing from elsewhere, no framing.
  response.set_header("content-security-policy",
                      "default-src 'self'; script-src 'self'; style-src 'self'; "
                      "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
                      "object-src 'none'; base-uri 'none'; form-action 'self'; "
                      "frame-ancestors 'none'");
  response.set_header("referrer-policy", "no-referrer");
  response.set_header("x-frame-options", "DENY");
  response.set_header("permissions-policy", "camera=(), microphone=(), geolocation=()");
}

StaticFiles::StaticFiles(std::filesystem::path root) {
  std::error_code ec;
  auto canonical = std::filesystem::canonical(root, ec);
  if (!ec) root_ = std::move(canonical);
}

Response StaticFiles::serve(Request const& request) const {
  if (root_.empty()) return not_found();
  std::string_view path = request.path;
  std::string relative = path == "/" ? std::string{"index.html"} : std::string{path.substr(1)};
  // Refuse anything that could climb out, before touching the file system.
  if (relative.find('\\') != std::string::npos || relative.find('\0') != std::string::npos) {
    return not_found();
  }
  for (std::string_view rest = relative; !rest.empty();) {
    auto const slash = rest.find('/');
    auto const segment = rest.substr(0, slash);
    if (segment == ".." || segment == "." || (segment.empty() && slash != std::string_view::npos)) {
      return not_found();
    }
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  std::error_code ec;
  auto const file = std::filesystem::canonical(root_ / relative, ec);
  if (ec) return not_found();
  // A symbolic link may still point elsewhere: the real path must lie under the root.
  auto const [root_end, file_it] =
      std::mismatch(root_.begin(), root_.end(), file.begin(), file.end());
  if (root_end != root_.end() || !std::filesystem::is_regular_file(file, ec)) return not_found();

  auto const size = std::filesystem::file_size(file, ec);
  auto const modified = std::filesystem::last_write_time(file, ec);
  if (ec) return not_found();
  auto const etag = fmt::format("\"{:x}-{:x}\"", size, modified.time_since_epoch().count());

  Response response;
  response.set_header("etag", etag);
  // No build step fingerprints the files, so browsers revalidate each time (cheap with ETag).
  response.set_header("cache-control", "no-cache");
  response.set_header("content-type", std::string{media_type_for(file)});
  if (file.extension() == ".html") add_page_security_headers(response);
  if (auto match = request.header("if-none-match"); match && *match == etag) {
    response.status = 304;
    return response;
  }
  std::ifstream in{file, std::ios::binary};
  if (!in) return not_found();
  std::ostringstream bytes;
  bytes << in.rdbuf();
  response.status = 200;
  if (request.method != Method::Head) response.body = bytes.str();
  return response;
}

}  // namespace joldama::server
