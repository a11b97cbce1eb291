#include "server/api/json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace joldama::server {

namespace {

// Whether any of the 8 bytes in `word` must be escaped: a control character, '"' or '\\'.
// (Bit tricks from "Bit Twiddling Hacks": a zero byte of word ^ repeated(c) marks a c.)
bool needs_escape(std::uint64_t word) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  auto const has_zero = [&](std::uint64_t v) { return (v - ones) & ~v & highs; };
  auto const below_space = (word - ones * 0x20) & ~word & highs;
  return (below_space | has_zero(word ^ (ones * '"')) | has_zero(word ^ (ones * '\\'))) != 0;
}

// The longest text `text` can become: quotes around, each byte at most six ("\u001f").
constexpr std::size_t escaped_size_at_most(std::string_view text) {
  return 2 + 6 * text.size();
}

// Writes `text` quoted and escaped at `out`, which has room for escaped_size_at_most(text).
// Returns where it ended.
char* write_escaped(char* out, std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  char const* in = text.data();
  char const* const end = in + text.size();
  while (in < end) {
    // Most text needs no escaping: copy it eight bytes at a time.
    if (end - in >= 8) {
      std::uint64_t word;
      std::memcpy(&word, in, 8);
      if (!needs_escape(word)) {
        std::memcpy(out, in, 8);
        in += 8;
        out += 8;
        continue;
      }
    }
    auto const c = static_cast<unsigned char>(*in++);
    if (c >= 0x20 && c != '"' && c != '\\') {
      *out++ = static_cast<char>(c);
      continue;
    }
    *out++ = '\\';
    switch (c) {
      case '"': *out++ = '"'; break;
      case '\\': *out++ = '\\'; break;
      case '\b': *out++ = 'b'; break;
      case '\f': *out++ = 'f'; break;
      case '\n': *out++ = 'n'; break;
      case '\r': *out++ = 'r'; break;
      case '\t': *out++ = 't'; break;
      default:
        std::memcpy(out, "u00", 3);
        out[3] = kHex[c >> 4];
        out[4] = kHex[c & 0xF];
        out += 5;
    }
  }
  *out++ = '"';
  return out;
}

// Copies a text of our own, which needs no escaping; returns where it ended.
char* write_raw(char* out, std::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

bool is_plain(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return u < 0x20 || u == '"' || u == '\\';
  });
}

}  // namespace

void JsonWriter::reserve(std::size_t bytes) {
  if (text_.size() < bytes) text_.resize(bytes);
}

char* JsonWriter::room(std::size_t bytes) {
  if (text_.size() - size_ < bytes) {
    // Doubling: a document of n bytes is moved O(log n) times, O(n) bytes in all.
    text_.resize(std::max({2 * text_.size(), size_ + bytes, std::size_t{256}}));
  }
  return text_.data() + size_;
}

char* JsonWriter::start_value(std::size_t bytes) {
  bool comma = false;
  if (after_key_) {
    after_key_ = false;
  } else if (depth_ > 0) {
    std::uint64_t const bit = std::uint64_t{1} << (depth_ - 1);
    comma = !(empty_ & bit);
    empty_ &= ~bit;
  }
  char* out = room(bytes + 1);
  if (comma) *out++ = ',';
  return out;
}

void JsonWriter::open(char bracket) {
  // Checked in every build: past the limit, the bits that place the commas would run out.
  if (depth_ >= kMaxDepth) throw std::logic_error{"JsonWriter: nested deeper than 64 levels"};
  char* out = start_value(1);
  *out++ = bracket;
  finish(out);
  empty_ |= std::uint64_t{1} << depth_;
  ++depth_;
}

void JsonWriter::close(char bracket) {
  if (depth_ == 0) throw std::logic_error{"JsonWriter: closed more than was opened"};
  char* out = room(1);
  *out++ = bracket;
  finish(out);
  --depth_;
}

JsonWriter& JsonWriter::begin_object() {
  open('{');
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  close('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  open('[');
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  // Names are ours and plain; one that is not is escaped rather than trusted, in every build.
  bool const plain_name = is_plain(name);
  char* out = start_value((plain_name ? name.size() + 2 : escaped_size_at_most(name)) + 1);
  if (plain_name) {
    *out++ = '"';
    out = write_raw(out, name);
    *out++ = '"';
  } else {
    out = write_escaped(out, name);
  }
  *out++ = ':';
  finish(out);
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::plain(std::string_view text) {
  // The check costs one pass over a short text; a text that needs escaping is escaped.
  if (!is_plain(text)) return value(text);
  char* out = start_value(text.size() + 2);
  *out++ = '"';
  out = write_raw(out, text);
  *out++ = '"';
  finish(out);
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  finish(write_escaped(start_value(escaped_size_at_most(text)), text));
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  constexpr std::size_t kDigitsAtMost = 20;  // "-9223372036854775808"
  char* out = start_value(kDigitsAtMost);
  finish(std::to_chars(out, out + kDigitsAtMost, number).ptr);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  finish(write_raw(start_value(5), flag ? "true" : "false"));
  return *this;
}

JsonWriter& JsonWriter::serialized(std::string_view json) {
  finish(write_raw(start_value(json.size()), json));
  return *this;
}

JsonWriter& JsonWriter::null() {
  finish(write_raw(start_value(4), "null"));
  return *this;
}

std::string JsonWriter::take() {
  text_.resize(size_);
  size_ = 0;
  empty_ = 0;
  depth_ = 0;
  after_key_ = false;
  return std::exchange(text_, {});
}

}  // namespace joldama::server
