#include "server/security/password_quality.hpp"

#include <fmt/format.h>
#include <pwquality.h>

#include <array>
#include <stdexcept>
#include <string>

#include "workflow/validation.hpp"

namespace joldama::server {

namespace {

pwquality_settings_t* settings_of(void* p) {
  return static_cast<pwquality_settings_t*>(p);
}

}  // namespace

PasswordQuality::PasswordQuality()
    : settings_(pwquality_default_settings()), word_settings_(pwquality_default_settings()) {
  if (!settings_ || !word_settings_) {
    throw std::runtime_error("libpwquality could not allocate its settings");
  }
  pwquality_set_int_value(settings_of(word_settings_), PWQ_SETTING_MIN_LENGTH, 6);
  pwquality_set_int_value(settings_of(word_settings_), PWQ_SETTING_DICT_CHECK, 1);
  auto* s = settings_of(settings_);
  // Our own settings rather than /etc/security/pwquality.conf: the same rules on every server.
  pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, 12);
  pwquality_set_int_value(s, PWQ_SETTING_DICT_CHECK, 1);
  pwquality_set_int_value(s, PWQ_SETTING_USER_CHECK, 1);
  pwquality_set_int_value(s, PWQ_SETTING_MAX_REPEAT, 4);
  pwquality_set_int_value(s, PWQ_SETTING_MAX_SEQUENCE, 5);
  pwquality_set_int_value(s, PWQ_SETTING_GECOS_CHECK, 0);  // our users are not in /etc/passwd
}

PasswordQuality::~PasswordQuality() {
  pwquality_free_settings(settings_of(settings_));
  pwquality_free_settings(settings_of(word_settings_));
}

Status PasswordQuality::check(std::string_view password, std::string_view login,
                              std::string field, std::string_view previous) const {
  auto const refuse = [&](std::string message) {
    return validation_error(std::move(field), std::move(message));
  };
  if (!is_valid_utf8(password)) return refuse("the password is not valid UTF-8");
  if (password.find('\0') != std::string_view::npos) return refuse("the password holds a NUL");
  auto const length = utf8_length(password);
  if (length < 12) return refuse("a password has at least 12 characters");
  if (length > 128) return refuse("a password has at most 128 characters");
  if (login.size() >= 3 && login.size() <= 64 && fold_case(password).find(fold_case(login)) != std::string::npos) {
    return refuse("a password may not contain the login");
  }
  std::string const text{password};
  std::string const old{previous.size() <= 128 ? previous : std::string_view{}};
  // Only a login that could exist is compared (and given to the library, which copies it).
  std::string const user{login.size() <= 64 ? login : std::string_view{}};
  void* auxiliary = nullptr;
  int score = 0;
  {
    std::lock_guard lock{mutex_};
    score = pwquality_check(settings_of(settings_), text.c_str(),
                            previous.empty() ? nullptr : old.c_str(),
                            user.empty() ? nullptr : user.c_str(), &auxiliary);
  }
  if (score >= 0) {
    // The word inside: "Password1234!" is "Password", which the dictionary knows.
    auto const sign = [](char c) {
      return (c >= '0' && c <= '9') || (c >= ' ' && c <= '/') || (c >= ':' && c <= '@') ||
             (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
    };
    std::size_t first = 0;
    std::size_t last = text.size();
    while (first < last && sign(text[first])) ++first;
    while (last > first && sign(text[last - 1])) --last;
    std::string const word = text.substr(first, last - first);
    if (word.size() < 6 || word.size() == text.size()) return ok();
    int word_score = 0;
    {
      std::lock_guard lock{mutex_};
      word_score =
          pwquality_check(settings_of(word_settings_), word.c_str(), nullptr, nullptr, nullptr);
    }
    if (word_score != PWQ_ERROR_CRACKLIB_CHECK) return ok();
    return refuse("the password is too weak: a dictionary word with digits or signs around it");
  }
  std::array<char, PWQ_MAX_ERROR_MESSAGE_LEN> message{};
  char const* said = pwquality_strerror(message.data(), message.size(), score, auxiliary);
  return refuse(fmt::format("the password is too weak: {}", said ? said : "refused"));
}

}  // namespace joldama::server
