#include "server/program/demo_data.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include "server/security/crypto.hpp"
#include "workflow/accounts.hpp"
#include "workflow/services.hpp"
#include "workflow/validation.hpp"

namespace joldama::server {

namespace {


struct Person {
  char const* last;
  char const* first;
  char const* middle;
  char const* birth;  // YYYY-MM-DD
  Sex sex;
};

// The hospitals of the demo, each with a staff login: the republican centres that receive
// high-technology talons (two of them planned patients too), a multi-profile hospital taking
// planned patients in every region, and local hospitals.
struct HospitalSeed {
  std::string login;
  std::string name;
  OrganizationLevel level;
  std::string region;
  std::vector<std::string> profiles;
  EnumSet<Route> accepts;
  std::string where;  // in English, for the list of logins
  std::string address{};  // the street; the region's name is put before it
};

constexpr std::array<std::string_view, 20> kRegionCodes{"10", "11", "15", "19", "23", "27", "31",
                                                        "33", "35", "39", "43", "47", "55", "59",
                                                        "61", "62", "63", "71", "75", "79"};

// What a region's multi-profile hospital treats on the planned route.
std::vector<std::string> const& regional_profiles() {
  static std::vector<std::string> const profiles{"cardiology", "obstetrics_gynecology", "surgery",
                                                 "traumatology_orthopedics"};
  return profiles;
}

std::vector<HospitalSeed> const& demo_hospitals() {
  using L = OrganizationLevel;
  constexpr EnumSet<Route> high_tech{Route::HighTech};
  constexpr EnumSet<Route> both{Route::HighTech, Route::Planned};
  constexpr EnumSet<Route> planned{Route::Planned};
  static std::vector<HospitalSeed> const hospitals = [&] {
    std::vector<HospitalSeed> list{
        {"hospital", "Национальный научный кардиохирургический центр", L::Republican, "71",
         {"cardiac_surgery", "cardiology"}, high_tech,
         "National Research Cardiac Surgery Center, Astana", "пр. Туран, 38"},
        {"hospital2", "Национальный научный центр хирургии им. А.Н. Сызганова", L::Republican,
         "75", {"cardiac_surgery", "cardiology", "surgery", "transplantation", "uronephrology"}, both,
         "Syzganov National Scientific Center of Surgery, Almaty", "ул. Желтоксан, 62"},
        {"hospital.oncology", "Казахский НИИ онкологии и радиологии", L::Republican, "75",
         {"hematology", "oncology"}, high_tech,
         "Kazakh Research Institute of Oncology and Radiology, Almaty", "пр. Абая, 91"},
        {"hospital.neuro", "Национальный центр нейрохирургии", L::Republican, "71",
         {"neurosurgery"}, high_tech, "National Centre for Neurosurgery, Astana", "пр. Туран, 34/1"},
        {"hospital.eye", "Казахский НИИ глазных болезней", L::Republican, "75",
         {"ophthalmology"}, both, "Kazakh Research Institute of Eye Diseases, Almaty", "пр. Толе би, 95а"},
        {"hospital.trauma", "НИИ травматологии и ортопедии им. Н.Д. Батпенова", L::Republican,
         "71", {"traumatology_orthopedics"}, high_tech,
         "Batpenov Research Institute of Traumatology and Orthopaedics, Astana",
         "пр. Абылай хана, 15а"},
        {"hospital.children", "Научный центр педиатрии и детской хирургии", L::Republican, "75",
         {"pediatric_surgery"}, high_tech,
         "Scientific Centre of Paediatrics and Paediatric Surgery, Almaty", "пр. аль-Фараби, 146"},
        {"hospital.obstetrics", "Научный центр акушерства, гинекологии и перинатологии",
         L::Republican, "75", {"obstetrics_gynecology"}, high_tech,
         "Scientific Centre of Obstetrics, Gynaecology and Perinatology, Almaty",
         "пр. Достык, 125"},
        {"hospital.local", "Городская больница №4 г. Алматы", L::Local, "75",
         {"surgery", "traumatology_orthopedics"}, planned, "City hospital No. 4, Almaty (75)"},
        {"hospital.talgar", "Талгарская центральная районная больница", L::Local, "19",
         {"obstetrics_gynecology", "surgery"}, planned,
         "Talgar central district hospital, Almaty Region (19)"},
    };
    for (auto code : kRegionCodes) {
      bool const city = code == "71" || code == "75" || code == "79";
      list.push_back(HospitalSeed{
          fmt::format("hospital.{}", code),
          city ? "Городская многопрофильная больница" : "Многопрофильная областная больница",
          L::Regional, std::string{code}, regional_profiles(), planned,
          fmt::format("Multi-profile {} hospital ({})", city ? "city" : "regional", code)});
    }
    return list;
  }();
  return hospitals;
}

}  // namespace

std::vector<DemoLogin> demo_logins() {
  std::vector<DemoLogin> logins{{"doctor", "doctor", "City polyclinic No. 5, Almaty (75)"},
                                {"doctor.astana", "doctor", "City polyclinic No. 2, Astana (71)"},
                                {"commission", "commission", "Almaty city (75)"},
                                {"commission.astana", "commission", "Astana (71)"},
                                {"republic", "republican", "Ministry of Health"}};
  for (auto const& h : demo_hospitals()) logins.push_back({h.login, "hospital", h.where});
  logins.push_back({"admin", "admin", "—"});
  return logins;
}

Result<bool> seed_demo(Transactor& writer, Reader& reader, Clock const& clock,
                       WorkingCalendar const& calendar, Icd10Catalogue const& diagnoses,
                       DeadlinePolicy const& policy) {
  auto const empty = query(reader, [](StoreReads& s) -> Result<bool> {
    auto users = s.count_users();
    if (!users) return users.error();
    auto referrals = s.count_referrals_by_state(ReferralFilter{});
    if (!referrals) return referrals.error();
    return *users == 0 && referrals->empty();
  });
  if (!empty) return empty.error();
  if (!*empty) return false;

  auto const real_now = clock.now();
  auto const today = local_date(real_now);
  // The morning of a day `days` ago, Kazakhstan time.
  auto const morning = [&](int days_ago, int hour = 10) {
    return start_of_local_day(today - std::chrono::days{days_ago}) + std::chrono::hours{hour};
  };
  ManualClock seed{morning(30)};  // each scenario on its own day in the recent past
  Workflow workflow{seed, calendar, diagnoses, policy};
  Accounts accounts{seed};
  Actor const system = Actor::system();

  try {
    auto const regions = must(query(reader, [](StoreReads& s) { return s.list_regions(); }));
    auto const profiles = must(query(reader, [](StoreReads& s) { return s.list_profiles(); }));
    auto const region_name = [&](std::string const& code) {
      for (auto const& r : regions) {
        if (r.code == code) return r.name.ru;
      }
      return code;
    };

    auto const organization = [&](Organization o) {
      return must(transact(writer, [&](Store& s) { return s.insert_organization(o); }));
    };
    Id const polyclinic_almaty =
        organization({0, "Городская поликлиника №5 г. Алматы", OrganizationKind::Polyclinic,
                      OrganizationLevel::Local, "75", {}, {}});
    Id const polyclinic_astana =
        organization({0, "Городская поликлиника №2 г. Астана", OrganizationKind::Polyclinic,
                      OrganizationLevel::Local, "71", {}, {}});
    std::map<std::string, Id> hospital_ids;  // by the login of its staff
    for (auto const& h : demo_hospitals()) {
      auto name = h.level == OrganizationLevel::Regional ? h.name + ", " + region_name(h.region)
                                                         : h.name;
      // The demo's telephones are made up: +7 700 000 and a number of the hospital's own.
      auto const street = h.address.empty() ? std::string{"ул. Больничная, 1"} : h.address;
      hospital_ids[h.login] = organization(
          {0, std::move(name), OrganizationKind::Hospital, h.level, h.region, h.profiles,
           h.accepts, region_name(h.region) + ", " + street,
           fmt::format("+7700000{:04}", hospital_ids.size() + 1)});
    }
    Id const cardiac_center = hospital_ids.at("hospital");
    Id const surgery_center = hospital_ids.at("hospital2");

    struct UserSeed {
      std::string login;
      std::string name;
      Role role;
      std::optional<Id> organization;
      std::string region;
    };
    std::vector<UserSeed> users = {
        {"doctor", "Нурланова Айгуль Серикқызы", Role::Doctor, polyclinic_almaty, ""},
        {"doctor.astana", "Жаксыбеков Ерлан Маратович", Role::Doctor, polyclinic_astana, ""},
        {"commission", "Комиссия Управления здравоохранения г. Алматы", Role::Commission,
         std::nullopt, "75"},
        {"commission.astana", "Комиссия Управления здравоохранения г. Астана", Role::Commission,
         std::nullopt, "71"},
        {"republic", "Республиканский координатор МЗ РК", Role::Republican, std::nullopt, ""},
        {"admin", "Администратор системы", Role::Admin, std::nullopt, ""},
    };
    for (auto const& h : demo_hospitals()) {
      users.push_back({h.login, "Приёмный покой: " + h.name, Role::Hospital,
                       hospital_ids.at(h.login), ""});
    }
    std::map<std::string, Actor> actors;
    // One hash for every demo account: Argon2id takes its time, by design.
    auto const password_hash = must(hash_password(kDemoPassword));
    for (auto const& u : users) {
      UserDraft draft{u.login, u.name, u.role, u.organization, u.region, Locale::Kk,
                      password_hash};
      auto user =
          must(transact(writer, [&](Store& s) { return accounts.create_user(s, system, draft); }));
      actors[u.login] = user.actor();
    }
    Actor const& doctor = actors["doctor"];
    Actor const& doctor_astana = actors["doctor.astana"];
    Actor const& commission = actors["commission"];
    Actor const& commission_astana = actors["commission.astana"];
    Actor const& republic = actors["republic"];
    Actor const& hospital = actors["hospital"];
    Actor const& hospital2 = actors["hospital2"];

    // Quotas for every region × profile, small enough that exhaustion can be shown; for the
    // year the seed starts in as well, should it differ.
    std::set<int> years{year_of(local_date(seed.now())), year_of(today)};
    must(transact(writer, [&](Store& s) -> Status {
      for (int year : years) {
        for (auto const& r : regions) {
          for (auto const& p : profiles) {
            auto const allocated =
                2 + static_cast<int>(std::hash<std::string>{}(r.code + p.code) % 19);
            QuotaKey key{year, r.code, p.code};
            // Almaty's transplantation quota is small and taken, to show the waitlist.
            int const units = (r.code == "75" && p.code == "transplantation") ? 1 : allocated;
            if (auto saved = s.save_quota(Quota{key, units, 0, 0}); !saved) return saved;
          }
        }
      }
      return s.append_audit(AuditEvent{seed.now(),
                                       "system",
                                       Role::System,
                                       "demo_quotas",
                                       std::nullopt,
                                       {{"years", std::to_string(years.size())}}});
    }));

    // Planned places of every hospital that takes planned patients, for each working day from
    // two weeks ago to three weeks ahead: a few a day, different by hospital, profile and day.
    auto const first_working_day = [&](Date day) {
      while (!calendar.is_working_day(day)) day += std::chrono::days{1};
      return day;
    };
    must(transact(writer, [&](Store& s) -> Status {
      int rows = 0;
      for (auto const& h : demo_hospitals()) {
        if (!h.accepts.contains(Route::Planned)) continue;
        for (auto const& profile : h.profiles) {
          for (int offset = -14; offset <= 21; ++offset) {
            Date const day = today + std::chrono::days{offset};
            if (!calendar.is_working_day(day)) continue;
            auto const spread = std::hash<std::string>{}(h.login + profile + format_date(day));
            Places places{{hospital_ids.at(h.login), profile, day},
                          1 + static_cast<int>(spread % 6), 0};
            if (auto saved = s.save_places(places); !saved) return saved;
            ++rows;
          }
        }
      }
      return s.append_audit(AuditEvent{seed.now(),
                                        "system",
                                        Role::System,
                                        "demo_places",
                                        std::nullopt,
                                        {{"rows", std::to_string(rows)}}});
    }));

    unsigned serial = 100;
    auto const referral = [&](Actor const& by, std::string const& region, Person const& person,
                              std::string icd10, std::string profile, Urgency urgency,
                              std::string justification, Route route = Route::HighTech) {
      auto const birth = parse_date(person.birth).value();  // the constants above are dates
      PatientDraft patient{make_iin(birth, person.sex, serial++),
                           person.last,
                           person.first,
                           person.middle,
                           birth,
                           person.sex,
                           Residency::Citizen,
                           region,
                           "+7 701 555 " + std::to_string(1000 + serial),
                           true,
                           // Every third patient gave an e-mail address (a reserved domain);
                           // every other one reads Russian.
                           serial % 3 == 0 ? fmt::format("patient{}@example.com", serial) : "",
                           serial % 2 == 0 ? Locale::Ru : Locale::Kk};
      auto registered = must(
          transact(writer, [&](Store& s) { return workflow.register_patient(s, by, patient); }));
      ReferralDraft draft{registered.iin, std::move(icd10),   std::move(profile),
                          route,          urgency,            CareForm::Inpatient,
                          std::move(justification)};
      return must(
          transact(writer, [&](Store& s) { return workflow.register_referral(s, by, draft); }));
    };
    auto const act = [&](Actor const& actor, Referral& r, Action action, ActionInput input = {}) {
      ActionCommand command{r.id, action, r.version, std::move(input)};
      r = must(transact(writer, [&](Store& s) { return workflow.perform(s, actor, command); }));
    };
    auto const with = [](auto setter) {
      ActionInput in;
      setter(in);
      return in;
    };
    auto const protocol = [&](std::string p) {
      return with([&](ActionInput& in) { in.protocol = p; });
    };
    // Submitted by the doctor and approved by the commission on the documents.
    auto const to_republican_level = [&](Actor const& by, Actor const& reviewing, Referral& r,
                                         std::string const& number) {
      act(by, r, Action::Submit);
      act(reviewing, r, Action::Approve, protocol(number));
    };
    auto const to_hospital = [&](Id id) {
      return with([&](ActionInput& in) { in.hospital_id = id; });
    };

    // 1. Just registered.
    seed.set(morning(1));
    referral(doctor, "75", {"Абаев", "Ерлан", "Кайратович", "1968-04-12", Sex::Male}, "I25.1",
             "cardiac_surgery", Urgency::Routine,
             "Ишемическая болезнь сердца, трёхсосудистое поражение по данным коронарографии; "
             "показано АКШ.");

    // 2. With the commission, and overdue: submitted three weeks ago.
    seed.set(morning(22));
    auto overdue =
        referral(doctor, "75", {"Сейтқали", "Айгерім", "Бекқызы", "1979-09-03", Sex::Female},
                 "C50.4", "oncology", Urgency::Urgent,
                 "Рак молочной железы T2N1M0; требуется комбинированное лечение в "
                 "республиканском центре.");
    act(doctor, overdue, Action::Submit);

    // 3. With the commission, fresh.
    seed.set(morning(1, 9));
    auto fresh = referral(doctor, "75", {"Ким", "Виктор", "Алексеевич", "1955-01-21", Sex::Male},
                          "H25.1", "ophthalmology", Urgency::Routine,
                          "Зрелая ядерная катаракта обоих глаз; показана факоэмульсификация.");
    act(doctor, fresh, Action::Submit);

    // 4. An in-person examination is scheduled.
    seed.set(morning(4));
    auto in_person =
        referral(doctor, "75", {"Жумабаева", "Динара", "Сериковна", "1990-11-30", Sex::Female},
                 "G40.1", "neurosurgery", Urgency::Routine,
                 "Фармакорезистентная фокальная эпилепсия; консультация нейрохирурга.");
    act(doctor, in_person, Action::Submit);
    act(commission, in_person, Action::ScheduleInPerson, with([&](ActionInput& in) {
          in.exam_at = morning(-3, 11);
          in.exam_place = "Управление здравоохранения г. Алматы, каб. 305";
        }));

    // 5. The commission asked for more documents.
    seed.set(morning(6));
    auto info = referral(doctor, "75", {"Омаров", "Бауыржан", "Ерикович", "1961-06-18", Sex::Male},
                         "M16.1", "traumatology_orthopedics", Urgency::Routine,
                         "Первичный коксартроз справа III ст.; показано эндопротезирование.");
    act(doctor, info, Action::Submit);
    act(commission, info, Action::RequestInfo, with([](ActionInput& in) {
          in.comment =
              "Приложите рентгенограмму тазобедренных суставов давностью не более 3 месяцев";
        }));

    // 6. With the republican level.
    seed.set(morning(3));
    auto republican =
        referral(doctor, "75", {"Ахметова", "Сауле", "Нурлановна", "1983-02-14", Sex::Female},
                 "N18.5", "uronephrology", Urgency::Urgent,
                 "ХБП 5 ст.; подготовка к трансплантации почки, обследование.");
    to_republican_level(doctor, commission, republican, "17/2026");

    // 7. A talon for the cardiac centre, awaiting its answer.
    seed.set(morning(5));
    auto talon = referral(doctor, "75", {"Тлеубаев", "Марат", "Аскарович", "1959-08-07", Sex::Male},
                          "I35.0", "cardiac_surgery", Urgency::Routine,
                          "Критический аортальный стеноз; показано протезирование клапана.");
    to_republican_level(doctor, commission, talon, "18/2026");
    seed.set(morning(2));
    act(republic, talon, Action::Approve, to_hospital(cardiac_center));

    // 8. Scheduled at the surgery centre.
    seed.set(morning(8));
    auto scheduled =
        referral(doctor, "75", {"Исмаилова", "Гульнара", "Рашидовна", "1972-05-25", Sex::Female},
                 "K80.1", "surgery", Urgency::Routine,
                 "Желчнокаменная болезнь, хронический калькулёзный холецистит; "
                 "лапароскопическая холецистэктомия.");
    to_republican_level(doctor, commission, scheduled, "19/2026");
    seed.set(morning(4));
    act(republic, scheduled, Action::Approve, to_hospital(surgery_center));
    seed.set(morning(3));
    act(hospital2, scheduled, Action::Accept,
        with([&](ActionInput& in) { in.planned_date = today + std::chrono::days{7}; }));

    // 9. Admitted to the cardiac centre.
    seed.set(morning(14));
    auto admitted =
        referral(doctor, "75", {"Нургалиев", "Асхат", "Болатович", "1964-03-02", Sex::Male},
                 "I25.1", "cardiac_surgery", Urgency::Urgent,
                 "Постинфарктный кардиосклероз, стенокардия III ФК; показано АКШ.");
    to_republican_level(doctor, commission, admitted, "12/2026");
    seed.set(morning(10));
    act(republic, admitted, Action::Approve, to_hospital(cardiac_center));
    act(hospital, admitted, Action::Accept,
        with([&](ActionInput& in) { in.planned_date = today - std::chrono::days{2}; }));
    seed.set(morning(2, 12));
    act(hospital, admitted, Action::Admit,
        with([](ActionInput& in) { in.case_number = "ИБ-2026-01842"; }));

    // 10. Treated and discharged.
    seed.set(morning(28));
    auto completed =
        referral(doctor, "75", {"Бекова", "Алия", "Муратовна", "1987-12-09", Sex::Female}, "K40.9",
                 "surgery", Urgency::Routine, "Паховая грыжа справа; плановая герниопластика.");
    to_republican_level(doctor, commission, completed, "9/2026");
    seed.set(morning(24));
    act(republic, completed, Action::Approve, to_hospital(surgery_center));
    act(hospital2, completed, Action::Accept,
        with([&](ActionInput& in) { in.planned_date = today - std::chrono::days{12}; }));
    seed.set(morning(12));
    act(hospital2, completed, Action::Admit,
        with([](ActionInput& in) { in.case_number = "ИБ-2026-00977"; }));
    seed.set(morning(6));
    act(hospital2, completed, Action::Discharge, with([](ActionInput& in) {
          in.outcome = Outcome::Recovered;
          in.final_icd10 = "K40.9";
        }));

    // 11. Rejected by the commission.
    seed.set(morning(9));
    auto rejected = referral(doctor, "75", {"Ли", "Сергей", "Михайлович", "1975-10-10", Sex::Male},
                             "M54.5", "traumatology_orthopedics", Urgency::Routine,
                             "Хроническая боль в пояснице; направление на консультацию.");
    act(doctor, rejected, Action::Submit);
    act(commission, rejected, Action::Reject, with([](ActionInput& in) {
          in.reason_code = "treatable_locally";
          in.reason =
              "Помощь может быть оказана на уровне области; оперативное лечение не показано";
        }));

    // 12. Almaty's transplantation quota: one talon, one waiting.
    seed.set(morning(12));
    auto transplant =
        referral(doctor, "75", {"Кайратова", "Жанар", "Ерлановна", "1993-07-19", Sex::Female},
                 "N18.5", "transplantation", Urgency::Urgent,
                 "ХБП 5 ст. на гемодиализе, есть родственный донор; трансплантация почки.");
    to_republican_level(doctor, commission, transplant, "14/2026");
    seed.set(morning(9, 11));
    act(republic, transplant, Action::Approve, to_hospital(surgery_center));
    seed.set(morning(7));
    auto waiting = referral(doctor, "75", {"Мусин", "Арман", "Талгатович", "1981-01-05", Sex::Male},
                            "K74.6", "transplantation", Urgency::Routine,
                            "Цирроз печени класса C по Чайлд-Пью; трансплантация печени.");
    to_republican_level(doctor, commission, waiting, "21/2026");
    seed.set(morning(4, 15));
    act(republic, waiting, Action::Approve, to_hospital(surgery_center));

    // 13. Treatment abroad is being considered.
    seed.set(morning(10));
    auto abroad =
        referral(doctor, "75", {"Сагинтаев", "Нурлан", "Даниярович", "2019-04-22", Sex::Male},
                 "Q44.2", "transplantation", Urgency::Urgent,
                 "Атрезия желчных путей у ребёнка; родственная трансплантация части "
                 "печени в Казахстане детям этого возраста не проводится.");
    to_republican_level(doctor, commission, abroad, "15/2026");
    seed.set(morning(5, 14));
    act(republic, abroad, Action::ReferAbroad, with([](ActionInput& in) {
          in.comment = "Технология недоступна в РК; запрос в клиники Турции и Южной Кореи";
        }));

    // 14. Astana: one with its commission, one talon for the cardiac centre.
    seed.set(morning(2));
    auto astana = referral(
        doctor_astana, "71", {"Байжанова", "Камила", "Ринатовна", "2008-09-15", Sex::Female},
        "D61.9", "hematology", Urgency::Urgent,
        "Апластическая анемия; трансплантация гемопоэтических стволовых клеток.");
    act(doctor_astana, astana, Action::Submit);
    seed.set(morning(6));
    auto astana_talon = referral(
        doctor_astana, "71", {"Ержанов", "Тимур", "Канатович", "1970-02-28", Sex::Male}, "I25.1",
        "cardiac_surgery", Urgency::Routine, "Ишемическая болезнь сердца, стеноз ствола ЛКА; АКШ.");
    to_republican_level(doctor_astana, commission_astana, astana_talon, "A-44/2026");
    seed.set(morning(1, 16));
    act(republic, astana_talon, Action::Approve, to_hospital(cardiac_center));

    // 15. Treatment abroad approved.
    seed.set(morning(20));
    auto abroad_approved = referral(
        doctor_astana, "71", {"Токаев", "Алихан", "Ерболович", "2021-02-11", Sex::Male}, "Q21.3",
        "transplantation", Urgency::Urgent,
        "Тетрада Фалло с атрезией лёгочной артерии; требуется операция за рубежом.");
    to_republican_level(doctor_astana, commission_astana, abroad_approved, "A-31/2026");
    seed.set(morning(16));
    act(republic, abroad_approved, Action::ReferAbroad, with([](ActionInput& in) {
          in.comment = "Операция в РК не выполняется; запрос в клинику Германии";
        }));
    seed.set(morning(11));
    act(republic, abroad_approved, Action::Approve, with([](ActionInput& in) {
          in.clinic = "Deutsches Herzzentrum der Charité";
          in.country = "Германия";
        }));

    // 16. Cancelled by the doctor: the patient chose to be treated elsewhere.
    seed.set(morning(15));
    auto cancelled =
        referral(doctor, "75", {"Смагулов", "Ержан", "Кайратович", "1958-11-03", Sex::Male},
                 "H40.1", "ophthalmology", Urgency::Routine,
                 "Первичная открытоугольная глаукома; показана антиглаукомная операция.");
    seed.set(morning(13));
    act(doctor, cancelled, Action::Cancel, with([](ActionInput& in) {
          in.reason_code = "treatable_locally";
          in.reason = "Пациент получает лечение по месту жительства";
        }));

    // 17. The patient did not come on the planned date.
    seed.set(morning(18));
    auto no_show = referral(
        doctor_astana, "71", {"Абенова", "Меруерт", "Даулетовна", "1966-06-30", Sex::Female},
        "I48.1", "cardiology", Urgency::Routine,
        "Персистирующая фибрилляция предсердий; показана радиочастотная аблация.");
    to_republican_level(doctor_astana, commission_astana, no_show, "A-36/2026");
    seed.set(morning(12));
    act(republic, no_show, Action::Approve, to_hospital(cardiac_center));
    seed.set(morning(10));
    act(hospital, no_show, Action::Accept,
        with([&](ActionInput& in) { in.planned_date = today - std::chrono::days{3}; }));
    seed.set(morning(2, 17));
    act(hospital, no_show, Action::NoShow);

    // 18. A talon that was never answered and expired (the sweep below expires it).
    seed.set(morning(45));
    auto expired =
        referral(doctor_astana, "71", {"Ким", "Ольга", "Игоревна", "1977-08-21", Sex::Female},
                 "K43.9", "surgery", Urgency::Routine,
                 "Послеоперационная вентральная грыжа; плановая герниопластика.");
    to_republican_level(doctor_astana, commission_astana, expired, "A-27/2026");
    seed.set(morning(40));
    act(republic, expired, Action::Approve, to_hospital(surgery_center));

    // The planned route: the patient chooses a hospital and a day with a free place, the
    // hospital confirms within a working day.
    auto const booking = [&](std::string const& login, Date day) {
      return with([&](ActionInput& in) {
        in.hospital_id = hospital_ids.at(login);
        in.planned_date = day;
      });
    };
    auto const reason = [&](std::string code, std::string text = {}) {
      return with([&](ActionInput& in) {
        in.reason_code = code;
        in.reason = text;
      });
    };
    Actor const& city_hospital = actors.at("hospital.75");

    // 19. Planned, just registered: the doctor is to book with the patient.
    seed.set(morning(1, 11));
    referral(doctor, "75", {"Оспанов", "Даулет", "Маратович", "1984-03-17", Sex::Male}, "K40.9",
             "surgery", Urgency::Routine, "Паховая грыжа слева; плановая герниопластика.",
             Route::Planned);

    // 20. Booked yesterday with Almaty's city hospital, awaiting its answer.
    auto booked = referral(doctor, "75", {"Каримова", "Асель", "Бахытовна", "1991-07-08",
                                          Sex::Female},
                           "N81.2", "obstetrics_gynecology", Urgency::Routine,
                           "Неполное выпадение матки; плановое оперативное лечение.",
                           Route::Planned);
    seed.set(morning(1, 14));
    act(doctor, booked, Action::Book,
        booking("hospital.75", first_working_day(today + std::chrono::days{3})));

    // 21. Booked with a hospital of another region (the choice is free), and not answered in
    // time: overdue.
    seed.set(morning(6));
    auto unanswered = referral(doctor, "75", {"Ибраев", "Нуржан", "Серикович", "1969-12-01",
                                              Sex::Male},
                               "M17.1", "traumatology_orthopedics", Urgency::Routine,
                               "Первичный гонартроз справа II ст.; артроскопия.", Route::Planned);
    seed.set(morning(5));
    act(doctor, unanswered, Action::Book,
        booking("hospital.19", first_working_day(today + std::chrono::days{4})));

    // 22. Confirmed: a place is booked and a talon issued.
    seed.set(morning(4));
    auto confirmed = referral(doctor, "75", {"Жакупова", "Роза", "Ахметовна", "1958-02-23",
                                             Sex::Female},
                              "I11.9", "cardiology", Urgency::Routine,
                              "Гипертоническая болезнь II ст.; подбор терапии в стационаре.",
                              Route::Planned);
    act(doctor, confirmed, Action::Book,
        booking("hospital.75", first_working_day(today + std::chrono::days{2})));
    seed.set(morning(3));
    act(city_hospital, confirmed, Action::Confirm);

    // 23. Refused for want of places, booked again nearby and confirmed.
    seed.set(morning(8));
    auto rebooked = referral(doctor_astana, "71", {"Сарсенова", "Малика", "Ерлановна",
                                                   "1995-05-14", Sex::Female},
                             "N80.0", "obstetrics_gynecology", Urgency::Routine,
                             "Эндометриоз матки; плановая лапароскопия.", Route::Planned);
    seed.set(morning(7));
    act(doctor_astana, rebooked, Action::Book,
        booking("hospital.71", first_working_day(today + std::chrono::days{1})));
    seed.set(morning(6));
    act(actors.at("hospital.71"), rebooked, Action::Refuse,
        reason("no_capacity", "Отделение закрыто на санитарную обработку"));
    seed.set(morning(5));
    act(doctor_astana, rebooked, Action::Book,
        booking("hospital.11", first_working_day(today + std::chrono::days{5})));
    seed.set(morning(4));
    act(actors.at("hospital.11"), rebooked, Action::Confirm);

    // 24. Admitted on the planned route.
    seed.set(morning(9));
    auto planned_admitted = referral(doctor_astana, "71", {"Ахметжанов", "Руслан", "Бекович",
                                                           "1977-10-29", Sex::Male},
                                     "K80.2", "surgery", Urgency::Routine,
                                     "Желчнокаменная болезнь; плановая холецистэктомия.",
                                     Route::Planned);
    Date const admission_day = today - std::chrono::days{2};
    seed.set(morning(8, 11));
    act(doctor_astana, planned_admitted, Action::Book,
        booking("hospital.71", first_working_day(admission_day - std::chrono::days{3})));
    seed.set(morning(7, 12));
    act(actors.at("hospital.71"), planned_admitted, Action::Confirm);
    seed.set(start_of_local_day(planned_admitted.booking_date.value()) + std::chrono::hours{9});
    act(actors.at("hospital.71"), planned_admitted, Action::Admit,
        with([](ActionInput& in) { in.case_number = "ИБ-2026-03310"; }));

    // 25. Treated on the planned route and discharged.
    seed.set(morning(20));
    auto planned_completed = referral(doctor, "75", {"Нуртазина", "Гаухар", "Маратовна",
                                                     "1963-04-04", Sex::Female},
                                      "S83.2", "traumatology_orthopedics", Urgency::Routine,
                                      "Разрыв мениска правого коленного сустава; артроскопия.",
                                      Route::Planned);
    seed.set(morning(19));
    act(doctor, planned_completed, Action::Book,
        booking("hospital.local", first_working_day(today - std::chrono::days{13})));
    seed.set(morning(18));
    act(actors.at("hospital.local"), planned_completed, Action::Confirm);
    seed.set(start_of_local_day(planned_completed.booking_date.value()) + std::chrono::hours{9});
    act(actors.at("hospital.local"), planned_completed, Action::Admit,
        with([](ActionInput& in) { in.case_number = "ИБ-2026-02114"; }));
    seed.set(start_of_local_day(planned_completed.booking_date.value()) +
             std::chrono::days{4} + std::chrono::hours{11});
    act(actors.at("hospital.local"), planned_completed, Action::Discharge,
        with([](ActionInput& in) {
          in.outcome = Outcome::Improved;
          in.final_icd10 = "S83.2";
        }));

    // 26. Confirmed, then cancelled: the place is free again.
    seed.set(morning(7));
    auto planned_cancelled = referral(doctor, "75", {"Бекмуханов", "Аслан", "Тимурович",
                                                     "1949-09-09", Sex::Male},
                                      "H25.1", "ophthalmology", Urgency::Routine,
                                      "Возрастная катаракта правого глаза; факоэмульсификация.",
                                      Route::Planned);
    act(doctor, planned_cancelled, Action::Book,
        booking("hospital.eye", first_working_day(today + std::chrono::days{6})));
    seed.set(morning(6));
    act(actors.at("hospital.eye"), planned_cancelled, Action::Confirm);
    seed.set(morning(2));
    act(doctor, planned_cancelled, Action::Cancel,
        reason("patient_declined", "Пациент выбрал лечение по месту жительства"));

    // The bureau's own sweep, as the server makes it at every start: talons past validity
    // expire and steps past their deadline are marked overdue.
    seed.set(real_now);
    for (;;) {
      auto swept =
          must(transact(writer, [&](Store& s) { return workflow.sweep_deadlines(s, 500); }));
      if (swept.expired.size() < 500 && swept.overdue.size() < 500) break;
    }
  } catch (ScriptFailure const& failure) {
    return make_error(failure.error.code, "demo data: " + failure.error.message,
                      failure.error.field);
  }
  return true;
}

}  // namespace joldama::server
