// The in-memory fake of the ports against the real storage: the same bureau, driven by the same
// commands on both, must answer every command alike and every read alike (the lists in each
// order, page by page, the counts, the queues, the reports' counters, the inboxes, the outbox,
// the audit log). A fake that drifted from the engines would let the workflow's tests pass on
// behaviour the product does not have; this keeps it honest.

#include "tests/support/memory_store.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "tests/support/test_bureau.hpp"
#include "workflow/lookup.hpp"
#include "workflow/validation.hpp"

namespace joldama {
namespace {

using testing::BureauEngine;
using testing::BureauOptions;
using testing::day;
using testing::TestBureau;

std::string outcome(Result<Referral> const& result) {
  if (!result) return fmt::format("error {}", static_cast<int>(result.error().code));
  return fmt::format("{} v{}", to_string(result->state), result->version);
}

std::string text(std::optional<Timestamp> t) { return t ? format_timestamp(*t) : "-"; }

// The same life of a bureau, whatever its engine; each command's outcome, in order.
std::vector<std::string> live(TestBureau& b, std::vector<std::string> const& iins) {
  std::vector<std::string> told;
  // The staff, so that notices have readers: ids 1…9 as the bureau's actors have them.
  for (Actor const* actor : {&b.doctor, &b.doctor_astana, &b.commission, &b.commission_astana,
                             &b.republic, &b.hospital, &b.hospital2, &b.admin, &b.eye_staff}) {
    User user;
    user.login = actor->login;
    user.name = "Staff " + actor->login;
    user.role = actor->role;
    user.organization_id = actor->organization_id;
    user.region = actor->region;
    user.created_at = b.clock.now();
    auto const id = b.write([&](Store& s) { return s.insert_user(user); });
    told.push_back(id ? fmt::format("user {}", *id) : "user error");
  }
  told.push_back(b.set_quota(b.key("cardiac_surgery"), 2) ? "quota" : "quota error");
  told.push_back(b.set_quota(b.key("hematology"), 1) ? "quota" : "quota error");
  told.push_back(b.publish_places(b.eye_clinic, "ophthalmology", day("2026-03-12"), 2)
                     ? "places"
                     : "places error");

  std::vector<Id> ids;
  for (std::size_t i = 0; i < iins.size(); ++i) {
    bool const astana = i % 5 == 0;
    Actor const& doctor = astana ? b.doctor_astana : b.doctor;
    PatientDraft patient;
    patient.iin = iins[i];
    patient.last_name = i % 2 ? "Сейтқали" : "Omarov";
    patient.first_name = "Aru";
    patient.birth_date = day("1980-01-01");
    patient.region = astana ? "71" : "75";
    patient.insured = true;
    if (i % 2 == 0) patient.phone = "+77011234567";
    if (i % 3 == 0) patient.email = "patient@example.kz";
    auto const registered =
        b.write([&](Store& s) { return b.workflow.register_patient(s, doctor, patient); });
    told.push_back(registered ? "patient" : "patient error");
    bool const planned = i % 4 == 3;
    ReferralDraft draft{iins[i],
                        "I25.1",
                        planned ? "ophthalmology" : (i % 3 == 0 ? "cardiac_surgery" : "hematology"),
                        planned ? Route::Planned : Route::HighTech,
                        i % 4 == 0 ? Urgency::Urgent : Urgency::Routine,
                        CareForm::Inpatient,
                        "Needs care not available locally."};
    auto const referral =
        b.write([&](Store& s) { return b.workflow.register_referral(s, doctor, draft); });
    told.push_back(outcome(referral));
    ids.push_back(referral ? referral->id : 0);
    b.clock.advance(std::chrono::minutes{37 * (1 + static_cast<int>(i % 3))});
  }

  for (std::size_t i = 0; i < ids.size(); ++i) {
    bool const astana = i % 5 == 0;
    Actor const& doctor = astana ? b.doctor_astana : b.doctor;
    Actor const& commission = astana ? b.commission_astana : b.commission;
    if (i % 4 == 3) {  // planned: booked with the eye clinic, confirmed while places last
      ActionInput booking;
      booking.hospital_id = b.eye_clinic;
      booking.planned_date = day("2026-03-12");
      told.push_back(outcome(b.act(doctor, ids[i], Action::Book, booking)));
      told.push_back(outcome(b.act(b.eye_staff, ids[i], Action::Confirm)));
      continue;
    }
    told.push_back(outcome(b.act(doctor, ids[i], Action::Submit)));
    b.clock.advance(std::chrono::minutes{20});
    if (i % 7 == 6) continue;  // left with the commission
    if (i % 7 == 5) {
      ActionInput ask;
      ask.comment = "Attach the angiography";
      told.push_back(outcome(b.act(commission, ids[i], Action::RequestInfo, ask)));
      continue;
    }
    ActionInput approval;
    approval.protocol = i % 2 ? "P-1/2026" : "P-2/2026";
    told.push_back(outcome(b.act(commission, ids[i], Action::Approve, approval)));
    ActionInput choose;
    choose.hospital_id = i % 2 ? b.hospital_astana : b.hospital_almaty;
    told.push_back(outcome(b.act(b.republic, ids[i], Action::Approve, choose)));
    b.clock.advance(std::chrono::hours{2});
  }
  // A hospital that published places stops taking planned patients: its places are not offered.
  told.push_back(b.publish_places(b.hospital_almaty, "surgery", day("2026-03-13"), 5) ? "places"
                                                                                     : "places error");
  told.push_back(b.publish_places(b.hospital_astana, "surgery", day("2026-03-13"), 4) ? "places"
                                                                                     : "places error");
  auto const narrowed = b.write([&](Store& s) {
    return b.workflow.set_hospital_profiles(s, b.admin, b.hospital_almaty, {"surgery", "oncology"},
                                            EnumSet<Route>{Route::HighTech});
  });
  told.push_back(narrowed ? fmt::format("treats {}", fmt::join(narrowed->profiles, ","))
                          : "profiles error");
  // A talon cancelled: its unit goes to the first waiter.
  ActionInput reason;
  reason.reason = "Treated elsewhere";
  told.push_back(outcome(b.act(b.doctor, ids[1], Action::Cancel, reason)));

  // Three weeks on, the sweep: overdue steps, reminders, expired talons.
  b.clock.advance(std::chrono::days{21});
  auto const swept = b.write([&](Store& s) { return b.workflow.sweep_deadlines(s, 100); });
  told.push_back(swept ? fmt::format("swept {} {} {} {}", swept->expired.size(),
                                     swept->overdue.size(), swept->promoted.size(),
                                     swept->reminded.size())
                       : "sweep error");
  return told;
}

// Everything the ports answer about the bureau, as text.
std::vector<std::string> everything_read(TestBureau& b) {
  std::vector<std::string> seen;
  auto const now = b.clock.now();
  auto const read = b.read([&](StoreReads& s) -> Status {
    std::vector<ReferralFilter> filters(10);
    filters[1].states = {State::Waitlisted, State::TalonIssued, State::CommissionReview};
    filters[2].region = "75";
    filters[3].referring_organization_id = b.polyclinic_almaty;
    filters[4].patient_region_scope = "71";
    filters[5].addressed_hospital_id = b.hospital_astana;
    filters[6].search = SearchKind::CodePrefix;
    filters[6].search_text = "75-26-000000";
    filters[7].search = SearchKind::Name;
    filters[7].search_text = fold_case("сейт");
    filters[8].overdue_at = now;
    filters[9].protocol = "P-1/2026";
    for (std::size_t f = 0; f < filters.size(); ++f) {
      for (ListOrder order : all_values<ListOrder>()) {
        ReferralFilter page = filters[f];
        page.order = order;
        page.limit = 3;
        std::string codes = fmt::format("filter {} order {}:", f, to_string(order));
        for (int pages = 0; pages < 20; ++pages) {
          auto rows = s.list_referrals(page);
          if (!rows) return rows.error();
          if (rows->empty()) break;
          for (auto const& row : *rows) codes += " " + row->referral.code;
          codes += " |";
          page.after = cursor_after(rows->back()->referral, order);
        }
        seen.push_back(codes);
      }
      auto counts = s.count_referrals_by_state(filters[f]);
      if (!counts) return counts.error();
      std::string line = fmt::format("counts {}:", f);
      for (auto const& [state, n] : *counts) line += fmt::format(" {}={}", to_string(state), n);
      seen.push_back(line);
    }
    for (Id id = 1; id <= 20; ++id) {
      auto listing = s.find_referral_listing(id);
      if (!listing) return listing.error();
      if (!*listing) continue;
      auto const& r = (*listing)->referral;
      auto const position = s.queue_position(id);
      if (!position) return position.error();
      seen.push_back(fmt::format(
          "{} {} {} v{} {} {} {} {} {} deadline {} overdue {} talon {} queue {} | {} | {} | {}",
          r.id, r.code, to_string(r.state), r.version, to_string(r.urgency),
          to_string(r.quota_holding), r.hospital_id.value_or(0), r.protocol,
          format_timestamp(r.state_since), text(r.deadline), text(r.overdue_since),
          r.talon ? r.talon->number : "-", position->value_or(0), (*listing)->patient_name,
          (*listing)->referring_organization_name, (*listing)->hospital_name));
      auto history = s.referral_history(id);
      if (!history) return history.error();
      std::string line = fmt::format("history {}:", id);
      for (auto const& e : *history) {
        line += fmt::format(" {}@{}({}/{})", e.event.action, e.event.actor, e.actor_name,
                            e.actor_organization);
      }
      seen.push_back(line);
      auto in_care = s.patient_in_care_of(r.patient_id, b.polyclinic_almaty);
      auto addressed = s.patient_addressed_to(r.patient_id, b.hospital_astana);
      if (!in_care || !addressed) return make_error(Errc::Internal, "care or address unread");
      seen.push_back(fmt::format("patient {} in care {} addressed {}", r.patient_id, *in_care,
                                 *addressed));
    }
    for (auto const& profile : {"cardiac_surgery", "hematology"}) {
      auto waiting = s.waitlist(b.key(profile), 10);
      if (!waiting) return waiting.error();
      seen.push_back(fmt::format("waitlist {}: {}", profile, fmt::join(*waiting, " ")));
    }
    auto quotas = s.list_quotas({});
    if (!quotas) return quotas.error();
    for (auto const& q : *quotas) {
      seen.push_back(fmt::format("quota {} {} {} {}/{}/{}", q.key.period, q.key.region,
                                 q.key.profile, q.allocated, q.reserved, q.used));
    }
    for (auto const report : {counter::kReferrals, counter::kQuotaMoves, counter::kReasonsByDay,
                              counter::kReasonsByMonth, counter::kStagesByDay,
                              counter::kStagesByMonth, counter::kWaiting}) {
      auto counters = s.read_counters(CounterRange{std::string{report}, {}, {}, "", "~"});
      if (!counters) return counters.error();
      for (auto const& c : *counters) {
        seen.push_back(fmt::format("counter {} {} {} {} {} = {}", c.key.report, c.key.region,
                                   c.key.profile, c.key.bucket, c.key.series, c.value));
      }
    }
    for (auto const& region : {std::optional<std::string>{}, std::optional<std::string>{"*"}}) {
      for (auto const& profile : {std::optional<std::string>{}, std::optional<std::string>{"*"}}) {
        auto lists = s.read_waitlists(WaitlistSelection{region, profile});
        if (!lists) return lists.error();
        for (auto const& w : *lists) {
          seen.push_back(fmt::format("waitlist summary {} {} {}", w.region, w.profile,
                                     w.summary.length));
        }
      }
    }
    auto places = s.list_places(PlaceFilter{"", "", {}, day("2026-03-01"), 30, false, 100});
    if (!places) return places.error();
    for (auto const& p : *places) {
      seen.push_back(fmt::format("places {} {} {} {}/{}", p.hospital.name, p.places.key.profile,
                                 format_date(p.places.key.date), p.places.booked,
                                 p.places.capacity));
    }
    AuditFilter all;
    all.limit = 1000;
    auto audit = s.list_audit(all);
    if (!audit) return audit.error();
    for (auto const& e : *audit) {
      std::string detail;
      for (auto const& [k, v] : e.event.detail) detail += fmt::format(" {}={}", k, v);
      seen.push_back(fmt::format("audit {} {} {} {} {}:{}", e.seq, format_timestamp(e.event.at),
                                 e.event.actor, e.event.action, e.event.referral_id.value_or(0),
                                 detail));
    }
    for (Id user = 1; user <= 9; ++user) {
      auto notices = s.list_notices(user, false, std::nullopt, 100);
      auto summary = s.notice_summary(user);
      if (!notices || !summary) return make_error(Errc::Internal, "inbox unread");
      std::string line = fmt::format("inbox {} ({} unread, latest {}):", user, summary->unread,
                                     summary->latest);
      for (auto const& n : *notices) {
        line += fmt::format(" {}:{}:{}", n.notice.id, to_string(n.notice.kind), n.referral_code);
      }
      seen.push_back(line);
    }
    auto messages = s.list_messages(std::nullopt, std::nullopt, 100);
    if (!messages) return messages.error();
    for (auto const& m : *messages) {
      seen.push_back(fmt::format("message {} {} {} {} {} {}", m.id, to_string(m.channel),
                                 to_string(m.kind), m.referral_id.value_or(0), m.idempotency_key,
                                 m.body));
    }
    auto due = s.due_messages(now, EnumSet<Channel>{Channel::Sms}, 100);
    if (!due) return due.error();
    seen.push_back(fmt::format("due sms: {}", due->size()));
    auto overdue = s.unmarked_overdue(now + std::chrono::days{30}, 100);
    auto remind = s.deadlines_to_remind(now, now + std::chrono::days{30}, 100);
    auto from = s.deadlines_from(now - std::chrono::days{60});
    auto expiring = s.talons_past_validity(now + std::chrono::days{200}, 100);
    if (!overdue || !remind || !from || !expiring) {
      return make_error(Errc::Internal, "a sweep's list unread");
    }
    seen.push_back(fmt::format("to mark overdue: {}", fmt::join(*overdue, " ")));
    seen.push_back(fmt::format("to remind: {}", fmt::join(*remind, " ")));
    seen.push_back(fmt::format("deadlines from: {}", fmt::join(*from, " ")));
    seen.push_back(fmt::format("talons to expire: {}", fmt::join(*expiring, " ")));
    return ok();
  });
  if (!read) seen.push_back("read error: " + read.error().message);
  return seen;
}

TEST(MemoryStore, AnswersEveryCommandAndEveryReadAsTheRealStorageDoes) {
  std::vector<std::string> iins;
  for (int i = 0; i < 16; ++i) iins.push_back(testing::fresh_iin());
  TestBureau real{BureauOptions{.engine = BureauEngine::Sqlite}};
  TestBureau fake{BureauOptions{.engine = BureauEngine::Memory}};
  ASSERT_TRUE(fake.memory) << "the fake bureau runs in memory";
  ASSERT_FALSE(real.memory);

  auto const told_real = live(real, iins);
  auto const told_fake = live(fake, iins);
  EXPECT_EQ(told_fake, told_real);

  auto const seen_real = everything_read(real);
  auto const seen_fake = everything_read(fake);
  ASSERT_GT(seen_real.size(), 200u) << "the bureau was read";
  EXPECT_EQ(seen_fake.size(), seen_real.size());
  for (std::size_t i = 0; i < std::min(seen_fake.size(), seen_real.size()); ++i) {
    EXPECT_EQ(seen_fake[i], seen_real[i]) << "line " << i;
  }
}

TEST(MemoryStore, AFailedCommandLeavesNothingAndAStaleVersionIsRefused) {
  testing::MemoryEngine engine;
  auto const refused = transact(engine, [](Store& s) -> Result<Id> {
    Organization o{0, "Polyclinic", OrganizationKind::Polyclinic, OrganizationLevel::Local, "75",
                   {}, {}};
    auto id = s.insert_organization(o);
    if (!id) return id;
    return make_error(Errc::Validation, "refused after writing", "name");
  });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().field, "name");
  EXPECT_EQ(engine.undone(), 1);
  auto const none = query(engine, [](StoreReads& s) { return s.list_organizations({}); });
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty()) << "nothing of the failed command remains";

  // Quotas keep reserved + used within the allocation, as the schema's check does.
  auto const beyond = transact(engine, [](Store& s) {
    return s.save_quota(Quota{{2026, "75", "oncology"}, 1, 1, 1});
  });
  ASSERT_FALSE(beyond.has_value());
  EXPECT_EQ(beyond.error().code, Errc::Internal);
  // Places likewise keep their bookings within the capacity.
  auto const overbooked = transact(engine, [](Store& s) {
    return s.save_places(Places{{1, "surgery", Date{std::chrono::days{20600}}}, 2, 3});
  });
  ASSERT_FALSE(overbooked.has_value());
  EXPECT_EQ(overbooked.error().code, Errc::Internal);
  // A login is one account's.
  auto const second_login = transact(engine, [](Store& s) -> Status {
    User user;
    user.login = "doctor";
    if (auto first = s.insert_user(user); !first) return first.error();
    auto second = s.insert_user(user);
    return second ? ok() : Status{second.error()};
  });
  ASSERT_FALSE(second_login.has_value());
  EXPECT_EQ(second_login.error().code, Errc::Duplicate);

  // A referral written at a version that is no longer stored is StaleVersion.
  auto const stale = transact(engine, [](Store& s) -> Status {
    Organization o{0, "Polyclinic", OrganizationKind::Polyclinic, OrganizationLevel::Local, "75",
                   {}, {}};
    auto org = s.insert_organization(o);
    if (!org) return org.error();
    Patient p;
    p.iin = testing::fresh_iin();
    p.region = "75";
    p.registered_by_organization = *org;
    auto patient = s.insert_patient(p);
    if (!patient) return patient.error();
    if (auto again = s.insert_patient(p); again || again.error().code != Errc::PatientExists) {
      return make_error(Errc::Internal, "a second patient with the IIN was not refused");
    }
    Referral r;
    r.code = "75-26-0000001";
    r.version = 1;
    r.patient_id = *patient;
    auto id = s.insert_referral(r);
    if (!id) return id.error();
    r.id = *id;
    r.version = 3;
    return s.update_referral(r, 2);
  });
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, Errc::StaleVersion);
  EXPECT_EQ(engine.committed(), 0);
}

}  // namespace
}  // namespace joldama
