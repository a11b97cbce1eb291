#pragma once
// JSON written straight into a string, for the answers that are large and frequent (worklists,
// referrals): no tree of values to build and take apart, one growing buffer. Strings are
// escaped as RFC 8259 requires; the text given is UTF-8 already (every stored text was
// checked on the way in).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace joldama::server {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The next member's name, inside an object: one of our own names, which need no escaping.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  // Text of our own making that needs no escaping: codes, names of values, dates and times.
  JsonWriter& plain(std::string_view text);
  JsonWriter& value(char const* text) { return value(std::string_view{text}); }
  JsonWriter& value(std::string const& text) { return value(std::string_view{text}); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // A whole value serialized elsewhere (by Boost.JSON), written as it is.
  JsonWriter& serialized(std::string_view json);
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
  JsonWriter& plain_member(std::string_view name, std::string_view text) {
    return key(name).plain(text);
  }

  // Room for this many bytes, for a document whose size is about known.
  void reserve(std::size_t bytes);
  // The text written so far; the writer is empty afterwards.
  std::string take();

 private:
  // Every piece is written in one go into room made for it beforehand: one check of the room
  // per piece, not one per character or fragment.
  // Room for `bytes` more; returns where they go. `finish` records where the writing ended.
  char* room(std::size_t bytes);
  void finish(char const* end) { size_ = static_cast<std::size_t>(end - text_.data()); }
  // Where a value (or a member's name) of up to `bytes` goes, after the comma that separates it
  // from the one before, if any.
  char* start_value(std::size_t bytes);
  void open(char bracket);
  void close(char bracket);

  std::string text_;  // the first size_ bytes are written; the rest is room
  std::size_t size_ = 0;
  // Per open object or array, bit `depth`: nothing in it yet. Our documents nest a few levels.
  static constexpr int kMaxDepth = 64;
  std::uint64_t empty_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace joldama::server
