// The streaming JSON writer: whatever it writes, a JSON parser reads back exactly.

#include "server/api/json_writer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <string>

namespace joldama::server {
namespace {

namespace json = boost::json;

std::string round_trip(std::string const& text) {
  JsonWriter out;
  out.value(text);
  auto const written = out.take();
  return std::string{json::parse(written).as_string()};
}

TEST(JsonWriter, EveryAsciiCharacterRoundTrips) {
  for (int c = 0; c < 0x80; ++c) {
    std::string const text(1, static_cast<char>(c));
    EXPECT_EQ(round_trip(text), text) << "character " << c;
  }
}

TEST(JsonWriter, EscapesAnywhereInLongTextRoundTrip) {
  // Escapes at every offset of texts longer than the 8-byte steps of the fast scan.
  std::string const plain = "Ахметова Сауле — ХБП 5 ст.; plain ascii text";
  for (char special : {'"', '\\', '\n', '\t', '\x01', '\x1f', '\0'}) {
    for (std::size_t at = 0; at <= plain.size(); ++at) {
      bool const inside_a_character =
          at < plain.size() && (static_cast<unsigned char>(plain[at]) & 0xC0) == 0x80;
      if (inside_a_character) continue;  // the text stays valid UTF-8
      std::string text = plain;
      text.insert(at, 1, special);
      ASSERT_EQ(round_trip(text), text) << "escape at " << at;
    }
  }
}

TEST(JsonWriter, UnicodePassesThroughUnchanged) {
  std::string const text = "Қазақстан Республикасы, Алматы қ. \u2028 😀";
  JsonWriter out;
  out.value(text);
  EXPECT_EQ(out.take(), "\"" + text + "\"");
}

TEST(JsonWriter, NestingMatchesTheParsersView) {
  JsonWriter out;
  out.begin_object()
      .member("id", std::int64_t{42})
      .member("name", "x")
      .member("flag", true)
      .key("none")
      .null()
      .key("list")
      .begin_array()
      .value(1)
      .begin_object()
      .end_object()
      .begin_array()
      .end_array()
      .value("two")
      .end_array()
      .member("maybe", std::optional<int>{})
      .member("negative", std::int64_t{-9'007'199'254'740'993})
      .key("empty")
      .text_or_null("")
      .end_object();
  auto const written = out.take();
  json::value const expected = json::parse(
      R"({"id":42,"name":"x","flag":true,"none":null,"list":[1,{},[],"two"],"maybe":null,)"
      R"("negative":-9007199254740993,"empty":null})");
  EXPECT_EQ(json::parse(written), expected) << written;
  EXPECT_EQ(written, json::serialize(expected));
}

TEST(JsonWriter, TakeLeavesItEmptyForTheNextDocument) {
  JsonWriter out;
  out.begin_array().value(1).end_array();
  EXPECT_EQ(out.take(), "[1]");
  out.begin_array().value(2).end_array();
  EXPECT_EQ(out.take(), "[2]");
}

// The writer makes room as it goes (from nothing, or from what was reserved): a large document
// with pieces of every kind and size, escapes included, comes out whole wherever the room ran
// out.
TEST(JsonWriter, ALargeDocumentComesOutWholeWhereverTheRoomRunsOut) {
  for (std::size_t reserved : {std::size_t{0}, std::size_t{1}, std::size_t{300}}) {
    JsonWriter out;
    out.reserve(reserved);
    json::array expected;
    out.begin_array();
    for (int i = 0; i < 400; ++i) {
      std::string const text(static_cast<std::size_t>(i % 37), i % 5 == 0 ? '\n' : 'z');
      std::string const name = "member" + std::to_string(i % 7);
      out.begin_object()
          .member(name, text)
          .plain_member("code", "R-" + std::to_string(i))
          .member("number", std::int64_t{i} * -1'000'003)
          .member("flag", i % 2 == 0)
          .key("none")
          .null()
          .end_object();
      expected.push_back(json::object{{name, text},
                                      {"code", "R-" + std::to_string(i)},
                                      {"number", std::int64_t{i} * -1'000'003},
                                      {"flag", i % 2 == 0},
                                      {"none", nullptr}});
    }
    out.end_array();
    auto const written = out.take();
    EXPECT_EQ(written, json::serialize(expected)) << "reserved " << reserved;
  }
}

// The most a text can grow by escaping: every byte a six-byte \u escape.
TEST(JsonWriter, TextThatIsAllEscapesFitsItsRoom) {
  std::string const controls(1000, '\x01');
  JsonWriter out;
  out.begin_array().value(controls).value(controls).end_array();
  auto const written = out.take();
  EXPECT_EQ(written.size(), 2 + 2 * (2 + 6 * controls.size()) + 1);
  EXPECT_EQ(json::parse(written), (json::array{json::string{controls}, json::string{controls}}));
}

// `plain` and `key` trust nothing in a release build either: a text that needs escaping is
// escaped, so the document stays valid JSON whatever a caller passed.
TEST(JsonWriter, PlainTextAndNamesThatNeedEscapingAreEscapedInEveryBuild) {
  JsonWriter out;
  out.begin_object()
      .plain_member("code", "I25.1")
      .plain_member("quote\"d", "line\nbreak \\ and \"quote\"")
      .end_object();
  auto const parsed = json::parse(out.take());
  EXPECT_EQ(parsed, (json::object{{"code", "I25.1"}, {"quote\"d", "line\nbreak \\ and \"quote\""}}));
}

TEST(JsonWriter, NestingPastTheLimitOrClosingTooMuchIsRefusedInEveryBuild) {
  JsonWriter deep;
  for (int i = 0; i < 64; ++i) deep.begin_array();
  EXPECT_THROW(deep.begin_array(), std::logic_error);
  JsonWriter closed;
  EXPECT_THROW(closed.end_object(), std::logic_error);
}

}  // namespace
}  // namespace joldama::server
