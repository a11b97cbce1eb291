#include "server/delivery/gateways.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <sodium.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <mutex>

namespace joldama::server {

namespace {

void initialize_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using HeaderList = std::unique_ptr<curl_slist, ListDeleter>;

void append(HeaderList& list, std::string const& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown != nullptr) {
    (void)list.release();
    list.reset(grown);
  }
}

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<unsigned char const*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// A header value in RFC 2047 encoded words of at most 75 characters, folded, each holding whole
// UTF-8 characters.
std::string encoded_words(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += fmt::format("=?UTF-8?B?{}?=", base64(text.substr(start, end - start)));
    start = end;
  }
  return out;
}

std::string rfc5322_date(Timestamp now) {
  auto const seconds = std::chrono::floor<std::chrono::seconds>(now);
  auto const day = std::chrono::floor<std::chrono::days>(seconds);
  std::chrono::year_month_day const ymd{day};
  std::chrono::hh_mm_ss const time{seconds - day};
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::chrono::weekday const weekday{day};
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[weekday.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

std::string domain_of(std::string_view address) {
  auto const at = address.rfind('@');
  return at == std::string_view::npos ? std::string{"joldama"} : std::string{address.substr(at + 1)};
}

struct Upload {
  std::string_view rest;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& upload = *static_cast<Upload*>(user);
  auto const n = std::min(size * count, upload.rest.size());
  std::copy_n(upload.rest.data(), n, buffer);
  upload.rest.remove_prefix(n);
  return n;
}

std::size_t keep_response(char* data, std::size_t size, std::size_t count, void* user) {
  auto& kept = *static_cast<std::string*>(user);
  auto const n = size * count;
  if (kept.size() < 300) kept.append(data, std::min(n, 300 - kept.size()));
  return n;
}

DeliveryOutcome failed(std::string error) {
  return {DeliveryOutcome::Kind::Failed, std::move(error)};
}

}  // namespace

std::string email_text(OutboxMessage const& message, std::string_view from, Timestamp now) {
  std::string text;
  text += fmt::format("From: {}\r\n", from);
  text += fmt::format("To: {}\r\n", message.recipient);
  text += fmt::format("Subject: {}\r\n", encoded_words(message.subject));
  text += fmt::format("Date: {}\r\n", rfc5322_date(now));
  text += fmt::format("Message-ID: <{}@{}>\r\n", message.idempotency_key, domain_of(from));
  text += fmt::format("Content-Language: {}\r\n", to_string(message.language));
  text += "MIME-Version: 1.0\r\n";
  text += "Content-Type: text/plain; charset=utf-8\r\n";
  text += "Content-Transfer-Encoding: base64\r\n\r\n";
  auto const body = base64(message.body);
  for (std::size_t i = 0; i < body.size(); i += 76) text += body.substr(i, 76) + "\r\n";
  return text;
}

SmtpGateway::SmtpGateway(SmtpSettings settings, Clock const& clock)
    : settings_(std::move(settings)), clock_(clock) {
  initialize_curl_once();
}

DeliveryOutcome SmtpGateway::send(OutboxMessage const& message) {
  Easy curl{curl_easy_init()};
  if (!curl) return failed("libcurl could not start");
  auto const text = email_text(message, settings_.from, clock_.now());
  Upload upload{text};
  HeaderList recipients;
  append(recipients, "<" + message.recipient + ">");
  auto const from = "<" + settings_.from + ">";
  curl_easy_setopt(curl.get(), CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl.get(), CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
  if (!settings_.user.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, settings_.password.c_str());
  }
  auto const result = curl_easy_perform(curl.get());
  if (result == CURLE_OK) return {DeliveryOutcome::Kind::Delivered, {}};
  long code = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  auto error = fmt::format("smtp: {}{}", curl_easy_strerror(result),
                           code > 0 ? fmt::format(" (reply {})", code) : "");
  // 5xx is the server's permanent no (no such mailbox, say); anything else may pass later.
  if (code >= 500 && code < 600 && result != CURLE_LOGIN_DENIED) {
    return {DeliveryOutcome::Kind::Refused, std::move(error)};
  }
  return failed(std::move(error));
}

HttpSmsGateway::HttpSmsGateway(SmsSettings settings) : settings_(std::move(settings)) {
  initialize_curl_once();
}

DeliveryOutcome HttpSmsGateway::send(OutboxMessage const& message) {
  Easy curl{curl_easy_init()};
  if (!curl) return failed("libcurl could not start");
  auto const body = boost::json::serialize(boost::json::object{
      {"to", message.recipient},
      {"text", message.body},
      {"idempotency_key", message.idempotency_key}});
  HeaderList headers;
  append(headers, "Content-Type: application/json");
  append(headers, "Authorization: Bearer " + settings_.token);
  append(headers, "Idempotency-Key: " + message.idempotency_key);
  std::string answer;
  curl_easy_setopt(curl.get(), CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, keep_response);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  auto const result = curl_easy_perform(curl.get());
  if (result != CURLE_OK) return failed(fmt::format("sms: {}", curl_easy_strerror(result)));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return {DeliveryOutcome::Kind::Delivered, {}};
  auto error = fmt::format("sms: HTTP {}{}{}", status, answer.empty() ? "" : ": ", answer);
  bool const permanent = status >= 400 && status < 500 && status != 401 && status != 403 &&
                         status != 408 && status != 429;
  if (permanent) return {DeliveryOutcome::Kind::Refused, std::move(error)};
  return failed(std::move(error));
}

}  // namespace joldama::server
