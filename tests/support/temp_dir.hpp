#pragma once
// A fresh directory under the system's temp folder, removed with everything in it at the end.

#include <filesystem>

namespace joldama::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(TempDir const&) = delete;
  TempDir& operator=(TempDir const&) = delete;

  std::filesystem::path const& path() const { return path_; }
  std::filesystem::path file(std::string const& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace joldama::testing
