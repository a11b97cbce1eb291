#include "server/json_writer.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdint>
#include <cstring>
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

void append_escaped(std::string& out, std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain_from = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // Most text needs no escaping: skip it eight bytes at a time.
    if (text.size() - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (!needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    auto const c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(text.data() + plain_from, i - plain_from);
    plain_from = ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.data() + plain_from, text.size() - plain_from);
  out.push_back('"');
}

[[maybe_unused]] bool is_plain(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    auto const u = static_cast<unsigned char>(c);
    return u < 0x20 || u == '"' || u == '\\';
  });
}

}  // namespace

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    std::uint64_t const bit = std::uint64_t{1} << (depth_ - 1);
    if (!(empty_ & bit)) out_.push_back(',');
    empty_ &= ~bit;
  }
}

void JsonWriter::open(char bracket) {
  assert(depth_ < kMaxDepth);
  before_value();
  out_.push_back(bracket);
  empty_ |= std::uint64_t{1} << depth_;
  ++depth_;
}

void JsonWriter::close(char bracket) {
  assert(depth_ > 0);
  out_.push_back(bracket);
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
  assert(is_plain(name));
  before_value();
  out_.push_back('"');
  out_.append(name);
  out_ += "\":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::plain(std::string_view text) {
  assert(is_plain(text));
  before_value();
  out_.push_back('"');
  out_.append(text);
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_escaped(out_, text);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  before_value();
  char digits[24];
  auto const [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
  out_.append(digits, end);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

std::string JsonWriter::take() {
  empty_ = 0;
  depth_ = 0;
  after_key_ = false;
  return std::exchange(out_, {});
}

}  // namespace joldama::server
