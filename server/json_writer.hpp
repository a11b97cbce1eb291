#pragma once
// JSON written straight into a string, for the answers that are large and frequent (worklists,
// referrals): no tree of values to build and take apart, one growing buffer. Strings are
// escaped as RFC 8259 requires; the text given is UTF-8 already (every stored text was
// checked on the way in).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace joldama::server {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The next member's name, inside an object.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(char const* text) { return value(std::string_view{text}); }
  JsonWriter& value(std::string const& text) { return value(std::string_view{text}); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  template <class T>
  JsonWriter& value(std::optional<T> const& maybe) {
    return maybe ? value(*maybe) : null();
  }
  // Text that is null when empty, as the API shows absent texts.
  JsonWriter& text_or_null(std::string_view text) { return text.empty() ? null() : value(text); }

  template <class T>
  JsonWriter& member(std::string_view name, T const& v) {
    return key(name).value(v);
  }

  // The text written so far; the writer is empty afterwards.
  std::string take();

 private:
  void before_value();
  void open(char bracket);
  void close(char bracket);

  std::string out_;
  std::vector<bool> empty_;  // per open object or array: nothing in it yet
  bool after_key_ = false;
};

}  // namespace joldama::server
