#pragma once
// Which passwords are good enough: at least 12 and at most 128 characters, not holding the
// login, and accepted by libpwquality with its cracklib dictionary (Debian's libpwquality and
// cracklib-runtime): not a dictionary word or one barely changed, not a keyboard run, not too
// simple — and, since cracklib lets "password1234" pass, not a dictionary word with only digits
// or signs around it either. Thread-safe.

#include <mutex>
#include <string_view>

#include "workflow/result.hpp"

namespace joldama::server {

class PasswordQuality {
 public:
  PasswordQuality();
  ~PasswordQuality();
  PasswordQuality(PasswordQuality const&) = delete;
  PasswordQuality& operator=(PasswordQuality const&) = delete;

  // Ok, or Validation naming `field` with what is wrong. `previous`, when given, is the
  // password being replaced: the new one must differ from it enough.
  Status check(std::string_view password, std::string_view login, std::string field,
               std::string_view previous = {}) const;

 private:
  void* settings_;       // pwquality_settings_t
  void* word_settings_;  // for the word inside digits and signs: the dictionary alone
  mutable std::mutex mutex_;  // cracklib's dictionary lookups are not reentrant
};

}  // namespace joldama::server
