#pragma once
// The real clock, for production. Tests inject their own.

#include <chrono>

#include "workflow/time.hpp"

namespace joldama::server {

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace joldama::server
