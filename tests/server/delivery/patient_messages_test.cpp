// Messages to patients over real HTTP and real gateways: each event the patient waits for writes
// its messages to the outbox in the change's own transaction (and a refused command writes
// none); the delivery worker sends them to a real SMTP server (aiosmtpd) and a real HTTP SMS
// gateway that fails on demand, retries with backoff, gives up after the limit, and an
// administrator sees the outbox and sends a dead message again.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <boost/json.hpp>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/support/message_sinks.hpp"
#include "tests/support/serve_process.hpp"
#include "tests/support/test_bureau.hpp"
#include "tests/support/test_server.hpp"

namespace joldama {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::HttpClient;
using testing::id_of;
using testing::Journey;
using testing::SmsSink;
using testing::SmtpSink;
using testing::state_of;
using testing::TestServer;

// The outbox rows of one referral, oldest first.
std::vector<json::object> outbox_of(HttpClient& admin, std::int64_t referral) {
  auto const page = admin.get("/api/v1/outbox?limit=200");
  EXPECT_EQ(page.status, 200) << page.body;
  auto const body = page.json();
  std::vector<json::object> rows;
  for (auto const& item : body.at("items").as_array()) {
    if (item.at("referral_id").as_int64() == referral) rows.insert(rows.begin(), item.as_object());
  }
  return rows;
}

std::vector<std::string> kinds_of(std::vector<json::object> const& rows) {
  std::vector<std::string> kinds;
  for (auto const& row : rows) kinds.emplace_back(row.at("kind").as_string());
  return kinds;
}

Id organization_of(HttpClient& client) {
  return client.get("/api/v1/me").json().at("organization").at("id").as_int64();
}

// A patient with an e-mail address who is written to in Russian; returns the IIN.
std::string russian_patient_with_email(HttpClient& doctor, std::string const& iin) {
  auto const reply = doctor.post("/api/v1/patients", json::object{{"iin", iin},
                                                                  {"last_name", "Иванова"},
                                                                  {"first_name", "Анна"},
                                                                  {"birth_date", "1979-04-02"},
                                                                  {"sex", "female"},
                                                                  {"residency", "citizen"},
                                                                  {"region", "75"},
                                                                  {"phone", "+7 701 765 43 21"},
                                                                  {"email", "Anna.I@Mail.KZ"},
                                                                  {"language", "ru"},
                                                                  {"insured", true}});
  EXPECT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json().at("email").as_string(), "Anna.I@mail.kz");
  EXPECT_EQ(reply.json().at("language").as_string(), "ru");
  return iin;
}

std::int64_t referral_for(HttpClient& doctor, std::string const& iin) {
  auto const reply = doctor.post("/api/v1/referrals",
                                 json::object{{"patient_iin", iin},
                                              {"icd10", "I25.1"},
                                              {"profile", "cardiac_surgery"},
                                              {"route", "high_tech"},
                                              {"urgency", "routine"},
                                              {"care_form", "inpatient"},
                                              {"justification", "Coronary artery bypass needed"}});
  EXPECT_EQ(reply.status, 201) << reply.body;
  return id_of(reply.json());
}

// Submitted, approved by the commission and by the republic (to `hospital`): a talon.
void take_to_talon(Journey& doctor, Journey& commission, Journey& republic, Id hospital,
                   std::int64_t id) {
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-7/2026"}}).status, 200);
  auto const approved = republic.act(id, "approve", {{"hospital_id", hospital}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  ASSERT_EQ(state_of(approved.json()), "talon_issued");
}

class PatientMessagesTest : public ::testing::Test {
 protected:
  void to_talon(std::int64_t id) {
    take_to_talon(doctor, commission, republic, organization_of(hospital_client), id);
  }

  TestServer server;
  HttpClient admin = server.as("admin");
  HttpClient doctor_client = server.as("doctor");
  HttpClient commission_client = server.as("commission");
  HttpClient republic_client = server.as("republic");
  HttpClient hospital_client = server.as("hospital");
  Journey doctor{doctor_client};
  Journey commission{commission_client};
  Journey republic{republic_client};
  Journey hospital{hospital_client};
};

TEST_F(PatientMessagesTest, EachStepThePatientWaitsForWritesItsMessageAndOthersNone) {
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(commission.act(id, "request_info", {{"comment", "Нужна ЭхоКГ"}}).status, 200);
  ASSERT_EQ(doctor.act(id, "resubmit", {{"comment", "ЭхоКГ приложена"}}).status, 200);
  EXPECT_TRUE(outbox_of(admin, id).empty()) << "the staff's own steps tell the patient nothing";

  ASSERT_EQ(commission.act(id, "schedule_in_person",
                           {{"at", "2026-03-10T10:30:00+05:00"}, {"place", "Каб. 12"}})
                .status,
            200);
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-7/2026"}}).status, 200);
  auto const approved =
      republic.act(id, "approve", {{"hospital_id", organization_of(hospital_client)}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  ASSERT_EQ(hospital.act(id, "accept", {{"planned_date", "2026-03-16"}}).status, 200);

  auto const rows = outbox_of(admin, id);
  EXPECT_EQ(kinds_of(rows), (std::vector<std::string>{"exam_date_set", "decision_made",
                                                      "talon_issued", "admission_date_set"}));
  for (auto const& row : rows) {
    EXPECT_EQ(row.at("channel").as_string(), "sms");
    EXPECT_EQ(row.at("to").as_string(), "+7701*****67") << "the outbox masks the number";
    EXPECT_EQ(row.at("language").as_string(), "kk");
    EXPECT_EQ(row.at("state").as_string(), "pending") << "no gateway here: nothing is sent";
    EXPECT_EQ(row.at("attempts").as_int64(), 0);
    EXPECT_FALSE(row.contains("body")) << "the administrator does not read the patient's mail";
    EXPECT_TRUE(row.at("sent_at").is_null());
  }
}

TEST_F(PatientMessagesTest, APatientWithAnAddressIsWrittenToByBothChannelsInTheirLanguage) {
  auto const iin = russian_patient_with_email(doctor_client, testing::fresh_iin());
  auto const id = referral_for(doctor_client, iin);
  to_talon(id);
  auto const rows = outbox_of(admin, id);
  ASSERT_EQ(rows.size(), 4u) << "decision and talon, by SMS and e-mail each";
  EXPECT_EQ(rows[2].at("kind").as_string(), "talon_issued");
  EXPECT_EQ(rows[2].at("channel").as_string(), "sms");
  EXPECT_EQ(rows[3].at("channel").as_string(), "email");
  EXPECT_EQ(rows[3].at("to").as_string(), "A***@mail.kz");
  for (auto const& row : rows) EXPECT_EQ(row.at("language").as_string(), "ru");
}

TEST_F(PatientMessagesTest, ARefusedCommandWritesNoMessage) {
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  auto const stale = commission_client.post(
      fmt::format("/api/v1/referrals/{}/actions/approve", id), json::object{{"protocol", "П-9"}},
      {{"if-match", "\"1\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(commission.act(id, "approve", json::object{}).status, 422) << "no protocol";
  EXPECT_TRUE(outbox_of(admin, id).empty());
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-9"}}).status, 200);
  auto local = server.as("hospital.local");
  auto const wrong_hospital =
      republic.act(id, "approve", {{"hospital_id", organization_of(local)}});
  EXPECT_EQ(wrong_hospital.status, 422);
  EXPECT_EQ(kinds_of(outbox_of(admin, id)), std::vector<std::string>{"decision_made"});
}

TEST_F(PatientMessagesTest, TheDayBeforeTheAdmissionThePatientIsRemindedOnce) {
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  to_talon(id);
  ASSERT_EQ(hospital.act(id, "accept", {{"planned_date", "2026-03-05"}}).status, 200);
  ASSERT_TRUE(server.app->sweep_now().has_value());
  EXPECT_EQ(outbox_of(admin, id).size(), 3u) << "2 March: the admission is three days away";
  server.clock.advance(48h);  // 4 March, 10:00
  auto const report = server.app->sweep_now();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->admissions_reminded, std::vector<Id>{id});
  ASSERT_TRUE(server.app->sweep_now().has_value());
  auto admin_now = server.client();  // two days on, the morning's sessions have ended
  admin_now.use_token(testing::sign_in(server.port, "admin"));
  EXPECT_EQ(kinds_of(outbox_of(admin_now, id)),
            (std::vector<std::string>{"decision_made", "talon_issued", "admission_date_set",
                                      "admission_tomorrow"}));
}

TEST_F(PatientMessagesTest, BadInputIsRefusedWithTheFieldNamed) {
  auto const iin = testing::fresh_iin();
  auto const patient = [&](json::object changes) {
    json::object body{{"iin", iin}, {"last_name", "Ахметов"}, {"first_name", "Ержан"},
                      {"birth_date", "1980-01-01"}, {"sex", "male"}, {"residency", "citizen"},
                      {"region", "75"}, {"insured", true}};
    for (auto const& [key, value] : changes) body[key] = value;
    return doctor_client.post("/api/v1/patients", body);
  };
  EXPECT_EQ(patient({{"email", "not-an-address"}}).error_field(), "email");
  EXPECT_EQ(patient({{"email", "a@b.kz\r\nBcc: all@x.kz"}}).error_field(), "email");
  EXPECT_EQ(patient({{"language", "en"}}).error_field(), "language");
  EXPECT_EQ(patient({{"language", "de"}}).error_field(), "language");
  EXPECT_EQ(patient({{"email", 5}}).error_field(), "email");
  EXPECT_EQ(doctor_client.get("/api/v1/patients/" + iin).status, 404)
      << "nothing written by a refused registration";

  EXPECT_EQ(admin.get("/api/v1/outbox?state=lost").error_field(), "state");
  EXPECT_EQ(admin.get("/api/v1/outbox?limit=0").error_field(), "limit");
  EXPECT_EQ(admin.get("/api/v1/outbox?limit=201").error_field(), "limit");
  EXPECT_EQ(admin.get("/api/v1/outbox?after=x").error_field(), "after");
  EXPECT_EQ(doctor_client.get("/api/v1/outbox").status, 403);
  EXPECT_EQ(server.client().get("/api/v1/outbox").status, 401);

  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  to_talon(id);
  auto const pending = outbox_of(admin, id).front().at("id").as_int64();
  auto const retried = admin.post(fmt::format("/api/v1/outbox/{}/retry", pending), json::object{});
  EXPECT_EQ(retried.status, 409) << "only a dead message is sent again";
  EXPECT_EQ(admin.post("/api/v1/outbox/999999/retry", json::object{}).status, 404);
  EXPECT_EQ(admin.post("/api/v1/outbox/x/retry", json::object{}).status, 404);
}

TEST_F(PatientMessagesTest, TheOutboxPagesNewestFirstAndFiltersByState) {
  for (int i = 0; i < 3; ++i) to_talon(id_of(doctor.new_referral("cardiac_surgery", "routine", "75")));
  auto const all = admin.get("/api/v1/outbox?limit=200").json().at("items").as_array();
  ASSERT_GE(all.size(), 6u);
  std::vector<std::int64_t> paged;
  std::string target = "/api/v1/outbox?limit=4";
  for (int pages = 0; pages < 100; ++pages) {
    auto const chunk = admin.get(target).json();
    for (auto const& item : chunk.at("items").as_array()) {
      paged.push_back(item.at("id").as_int64());
    }
    if (chunk.at("next").is_null()) break;
    target = fmt::format("/api/v1/outbox?limit=4&after={}", chunk.at("next").as_int64());
  }
  ASSERT_EQ(paged.size(), all.size());
  for (std::size_t i = 1; i < paged.size(); ++i) EXPECT_GT(paged[i - 1], paged[i]);
  EXPECT_EQ(admin.get("/api/v1/outbox?state=pending").json().at("items").as_array().size(),
            std::min<std::size_t>(all.size(), 50));
  EXPECT_TRUE(admin.get("/api/v1/outbox?state=dead").json().at("items").as_array().empty());
}

// With gateways: the real SMS sink in this process and aiosmtpd beside it.
class DeliveryTest : public ::testing::Test {
 protected:
  DeliveryTest()
      : smtp(dir.path() / "maildir"),
        server([this](server::ServerConfig& config) {
          config.sms_gateway_url = sms.url();
          config.sms_token = "sms-token-for-tests";
          config.smtp_url = smtp.url();
          config.email_from = "noreply@joldama.kz";
          config.delivery = DeliveryPolicy{3, 60s, 3600s};
          config.delivery_poll = 20ms;
          config.public_url = "https://joldama.example.kz";
        }) {
    // The demo bureau's own messages go first; what the sinks take after is this test's.
    for (int i = 0; i < 1500 && !drained(); ++i) std::this_thread::sleep_for(20ms);
    EXPECT_TRUE(drained());
    sms.forget();
  }

  bool drained() {
    for (auto const* state : {"pending", "failed"}) {
      auto const page = admin.get(fmt::format("/api/v1/outbox?state={}&limit=1", state)).json();
      if (!page.at("items").as_array().empty()) return false;
    }
    return true;
  }


  // Waits until the referral's messages are all in `state` (or 30 s pass).
  bool wait_until_all(std::int64_t id, std::string const& state, std::size_t count) {
    for (int i = 0; i < 1500; ++i) {
      auto const rows = outbox_of(admin, id);
      bool all = rows.size() == count;
      for (auto const& row : rows) all = all && row.at("state").as_string() == state;
      if (all) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  void to_talon(std::int64_t id) {
    take_to_talon(doctor, commission, republic, organization_of(hospital_client), id);
  }

  testing::TempDir dir;
  SmsSink sms;
  SmtpSink smtp;
  TestServer server;
  HttpClient admin = server.as("admin");
  HttpClient doctor_client = server.as("doctor");
  HttpClient commission_client = server.as("commission");
  HttpClient republic_client = server.as("republic");
  HttpClient hospital_client = server.as("hospital");
  Journey doctor{doctor_client};
  Journey commission{commission_client};
  Journey republic{republic_client};
};

TEST_F(DeliveryTest, MessagesReachTheRealSmtpServerAndSmsGateway) {
  auto const iin = russian_patient_with_email(doctor_client, testing::fresh_iin());
  auto const id = referral_for(doctor_client, iin);
  to_talon(id);
  ASSERT_TRUE(wait_until_all(id, "sent", 4));
  auto const prefix = fmt::format("joldama-{}-", id);
  std::vector<SmsSink::Received> texts;
  for (auto const& r : sms.received()) {
    if (r.idempotency_key.starts_with(prefix)) texts.push_back(r);
  }
  ASSERT_EQ(texts.size(), 2u);
  auto const talon = json::parse(texts[1].body).as_object();
  EXPECT_EQ(talon.at("to").as_string(), "+77017654321");
  EXPECT_EQ(texts[1].authorization, "Bearer sms-token-for-tests");
  EXPECT_EQ(texts[1].idempotency_key, std::string{talon.at("idempotency_key").as_string()});
  EXPECT_TRUE(texts[1].idempotency_key.ends_with("-talon_issued-sms")) << texts[1].idempotency_key;
  auto const text = std::string{talon.at("text").as_string()};
  EXPECT_NE(text.find("выдан талон"), std::string::npos) << text;
  EXPECT_NE(text.find("https://joldama.example.kz/status.html#code="), std::string::npos) << text;
  EXPECT_EQ(text.find("I25"), std::string::npos) << "no diagnosis in an SMS";

  std::string mails;
  for (int i = 0; i < 500; ++i) {
    mails.clear();
    std::size_t hers = 0;
    for (auto const& mail : smtp.mails()) {
      if (mail.find("X-RcptTo: Anna.I@mail.kz") == std::string::npos) continue;
      mails += mail;
      ++hers;
    }
    if (hers == 2) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(mails.find("X-RcptTo: Anna.I@mail.kz"), std::string::npos) << mails;
  EXPECT_NE(mails.find("X-MailFrom: noreply@joldama.kz"), std::string::npos);
  EXPECT_NE(mails.find("-talon_issued-email@joldama.kz>"), std::string::npos)
      << "the Message-ID is made of the idempotency key";
  EXPECT_NE(mails.find("Content-Language: ru"), std::string::npos);
  EXPECT_NE(mails.find("Subject: =?UTF-8?B?"), std::string::npos);

  for (auto const& row : outbox_of(admin, id)) {
    EXPECT_EQ(row.at("attempts").as_int64(), 1);
    EXPECT_FALSE(row.at("sent_at").is_null());
    EXPECT_TRUE(row.at("next_attempt_at").is_null());
  }
}

TEST_F(DeliveryTest, AFailingGatewayIsTriedAgainAfterTheBackoffWithTheSameKey) {
  sms.fail_next(1, 503);
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-7/2026"}}).status, 200);
  ASSERT_TRUE(wait_until_all(id, "failed", 1));
  auto const failed = outbox_of(admin, id).front();
  EXPECT_EQ(failed.at("attempts").as_int64(), 1);
  EXPECT_NE(failed.at("last_error").as_string().find("503"), std::string::npos);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(sms.received().size(), 1u) << "not before the backoff (60 s of the server's clock)";

  server.clock.advance(61s);
  ASSERT_TRUE(wait_until_all(id, "sent", 1));
  auto const texts = sms.received();
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_EQ(texts[0].idempotency_key, texts[1].idempotency_key);
  EXPECT_EQ(outbox_of(admin, id).front().at("attempts").as_int64(), 2);
}

TEST_F(DeliveryTest, AfterTheLastAttemptAMessageIsDeadUntilAnAdministratorRetriesIt) {
  sms.fail_next(3, 500);
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-7/2026"}}).status, 200);
  ASSERT_TRUE(wait_until_all(id, "failed", 1));
  server.clock.advance(61s);  // the second attempt after 60 s
  ASSERT_TRUE(sms.wait_for(2));
  // The third attempt, the last, after 120 s more (counted from when the second's outcome was
  // recorded, which may come after the clock moves: move it until the third has been made).
  for (int i = 0; i < 100 && sms.received().size() < 3; ++i) {
    server.clock.advance(121s);
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(wait_until_all(id, "dead", 1));
  server.clock.advance(24h);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(sms.received().size(), 3u) << "a dead message is not tried again by itself";

  // A day on, the sessions have ended: sign in again.
  admin.use_token(testing::sign_in(server.port, "admin"));
  auto commission_now = server.client();
  commission_now.use_token(testing::sign_in(server.port, "commission"));
  auto const dead = admin.get("/api/v1/outbox?state=dead").json().at("items").as_array();
  ASSERT_EQ(dead.size(), 1u);
  auto const message = dead.front().at("id").as_int64();
  EXPECT_EQ(commission_now.post(fmt::format("/api/v1/outbox/{}/retry", message), json::object{})
                .status,
            403);
  auto const retried = admin.post(fmt::format("/api/v1/outbox/{}/retry", message), json::object{});
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.json().at("state").as_string(), "pending");
  ASSERT_TRUE(wait_until_all(id, "sent", 1));
  EXPECT_EQ(sms.received().size(), 4u);
  auto const audit = admin.get("/api/v1/audit?limit=5").json();
  EXPECT_NE(json::serialize(audit).find("retry_message"), std::string::npos) << audit;
}

TEST_F(DeliveryTest, AGatewayThatRefusesTheMessageForGoodKillsItAtOnce) {
  sms.fail_next(1, 400);
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-7/2026"}}).status, 200);
  ASSERT_TRUE(wait_until_all(id, "dead", 1));
  EXPECT_EQ(outbox_of(admin, id).front().at("attempts").as_int64(), 1);
}

// Old notices and sent messages go at the sweep; a message not yet sent stays however old.
TEST_F(DeliveryTest, TheSweepForgetsNoticesAndSentMessagesPastTheirKeeping) {
  auto const id = id_of(doctor.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(commission.act(id, "approve", {{"protocol", "П-7/2026"}}).status, 200);
  ASSERT_TRUE(wait_until_all(id, "sent", 1));
  sms.fail_next(1000, 503);
  ASSERT_EQ(republic.act(id, "approve", {{"hospital_id", organization_of(hospital_client)}}).status,
            200);
  ASSERT_TRUE(sms.wait_for(2));
  auto const about_it = [&](HttpClient& reader) {
    std::size_t count = 0;
    auto const inbox = reader.get("/api/v1/notifications?limit=100").json();
    for (auto const& item : inbox.at("items").as_array()) {
      if (!item.at("referral").is_null() && item.at("referral").at("id").as_int64() == id) ++count;
    }
    return count;
  };
  ASSERT_EQ(about_it(doctor_client), 2u) << "two decisions made";

  server.clock.advance(std::chrono::days{server.config.notices_kept_for.count() + 1});
  ASSERT_TRUE(server.app->sweep_now().has_value());
  // The sessions of half a year ago have ended: sign in again.
  auto admin_now = server.client();
  admin_now.use_token(testing::sign_in(server.port, "admin"));
  auto const left = outbox_of(admin_now, id);
  ASSERT_EQ(left.size(), 1u) << "the sent message is gone, the unsent one is kept";
  EXPECT_EQ(left.front().at("kind").as_string(), "talon_issued");
  auto doctor_now = server.client();
  doctor_now.use_token(testing::sign_in(server.port, "doctor"));
  EXPECT_EQ(about_it(doctor_now), 0u);
}

// An SMTP server that is down: the mail waits, and goes once the server is up.
TEST(Delivery, AnSmtpServerThatIsDownIsTriedAgainOnceItIsUp) {
  testing::TempDir dir;
  auto const port = testing::free_port();
  TestServer server([&](server::ServerConfig& config) {
    config.smtp_url = fmt::format("smtp://127.0.0.1:{}", port);
    config.email_from = "noreply@joldama.kz";
    config.delivery = DeliveryPolicy{5, 60s, 3600s};
    config.delivery_poll = 20ms;
  });
  auto admin = server.as("admin");
  auto doctor_client = server.as("doctor");
  auto commission_client = server.as("commission");
  auto const iin = russian_patient_with_email(doctor_client, testing::fresh_iin());
  auto const id = referral_for(doctor_client, iin);
  Journey doctor{doctor_client};
  ASSERT_EQ(doctor.act(id, "submit").status, 200);
  ASSERT_EQ(Journey{commission_client}.act(id, "approve", {{"protocol", "П-1"}}).status, 200);
  auto const email_row = [&] {
    for (auto const& row : outbox_of(admin, id)) {
      if (row.at("channel").as_string() == "email") return row;
    }
    return json::object{};
  };
  for (int i = 0; i < 1500 && email_row().at("state").as_string() != "failed"; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(email_row().at("state").as_string(), "failed");
  EXPECT_NE(email_row().at("last_error").as_string().find("smtp"), std::string::npos);
  EXPECT_EQ(email_row().at("attempts").as_int64(), 1);
  EXPECT_EQ(kinds_of(outbox_of(admin, id)).size(), 2u) << "the SMS waits: no gateway for it";

  SmtpSink smtp{dir.path() / "maildir", port};
  server.clock.advance(61s);
  ASSERT_TRUE(smtp.wait_for(1));
  for (int i = 0; i < 1500 && email_row().at("state").as_string() != "sent"; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(email_row().at("state").as_string(), "sent");
  EXPECT_EQ(email_row().at("attempts").as_int64(), 2);
  std::string mails;
  for (auto const& mail : smtp.mails()) mails += mail;
  EXPECT_NE(mails.find("X-RcptTo: Anna.I@mail.kz"), std::string::npos);
}

// A crash between sending and recording the answer: the gateway has the message but the outbox
// does not know it. The restarted server sends it again with the same idempotency key (which
// lets the gateway drop the repeat), and loses nothing.
TEST(Delivery, AKillMinusNineBetweenSendAndAcknowledgementRepeatsOnlyWithTheSameKey) {
  testing::TempDir dir;
  SmsSink sms;
  auto const db = dir.file("bureau.db");
  auto const config = dir.file("joldama.conf");
  {
    std::ofstream out{config};
    out << "sms.gateway_url = " << sms.url() << "\n"
        << "sms.token = crash-test-token\n"
        << "delivery.first_retry_seconds = 2\n"
        << "delivery.poll_milliseconds = 50\n";
  }
  auto serve = std::make_unique<testing::ServeProcess>(
      db, std::vector<std::string>{"--demo", "--config", config.string()}, dir.file("serve.log"));
  auto port = serve->wait_for_port();
  ASSERT_NE(port, 0);
  HttpClient admin{port};
  admin.use_token(testing::sign_in(port, "admin"));
  // No SMS waits (the e-mails do: no SMTP server here).
  auto const drained = [&](HttpClient& client) {
    auto const page = client.get("/api/v1/outbox?state=pending&limit=200").json();
    for (auto const& item : page.at("items").as_array()) {
      if (item.at("channel").as_string() == "sms") return false;
    }
    return true;
  };
  for (int i = 0; i < 1500 && !drained(admin); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(drained(admin)) << "the demo's messages went first";

  sms.forget();
  sms.hold_next();
  HttpClient doctor_client{port};
  doctor_client.use_token(testing::sign_in(port, "doctor"));
  HttpClient commission_client{port};
  commission_client.use_token(testing::sign_in(port, "commission"));
  auto const id = id_of(Journey{doctor_client}.new_referral("cardiac_surgery", "routine", "75"));
  ASSERT_EQ(Journey{doctor_client}.act(id, "submit").status, 200);
  ASSERT_EQ(Journey{commission_client}.act(id, "approve", {{"protocol", "П-5"}}).status, 200);
  ASSERT_TRUE(sms.wait_for(1)) << "the gateway took the message (and holds its answer)";

  EXPECT_EQ(serve->stop(SIGKILL), -1) << "killed, not exited";
  sms.release();  // the connection closes unanswered: nobody is left to hear it
  serve = std::make_unique<testing::ServeProcess>(
      db, std::vector<std::string>{"--config", config.string()}, dir.file("serve.log"));
  port = serve->wait_for_port();
  ASSERT_NE(port, 0);
  ASSERT_TRUE(sms.wait_for(2)) << "tried again after the lease";

  HttpClient admin_again{port};
  admin_again.use_token(testing::sign_in(port, "admin"));
  std::vector<json::object> rows;
  for (int i = 0; i < 500; ++i) {
    rows = outbox_of(admin_again, id);
    if (rows.size() == 1 && rows.front().at("state").as_string() == "sent") break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(rows.size(), 1u) << "one message, neither lost nor doubled";
  EXPECT_EQ(rows.front().at("state").as_string(), "sent");
  EXPECT_EQ(rows.front().at("attempts").as_int64(), 2);
  std::this_thread::sleep_for(300ms);
  auto const received = sms.received();
  ASSERT_EQ(received.size(), 2u) << "sent once more, and no more";
  EXPECT_EQ(received[0].idempotency_key, received[1].idempotency_key);
  EXPECT_EQ(received[0].body, received[1].body);
  EXPECT_EQ(serve->stop(SIGTERM), 0);
}

}  // namespace
}  // namespace joldama
