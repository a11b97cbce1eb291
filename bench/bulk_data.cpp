#include "bench/bulk_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <span>
#include <unordered_set>
#include <vector>

#include "server/security/crypto.hpp"
#include "server/program/demo_data.hpp"
#include "workflow/accounts.hpp"
#include "workflow/services.hpp"
#include "workflow/validation.hpp"

namespace joldama::bench {

namespace {

using namespace std::chrono_literals;


struct Step {
  Action action;
  Role by;
};

// A referral's way through the bureau, and how often a working bureau holds one that went so.
struct Path {
  char const* name;
  int weight;
  bool still_open;  // still with someone: its last step was recent
  std::vector<Step> steps;
};

std::vector<Path> const& paths() {
  using enum Action;
  constexpr Role D = Role::Doctor, C = Role::Commission, R = Role::Republican, H = Role::Hospital;
  static std::vector<Path> const all = {
      {"registered", 4, true, {}},
      {"commission_review", 10, true, {{Submit, D}}},
      {"in_person_scheduled", 3, true, {{Submit, D}, {ScheduleInPerson, C}}},
      {"info_requested", 3, true, {{Submit, D}, {RequestInfo, C}}},
      {"republican_review", 7, true, {{Submit, D}, {Approve, C}}},
      {"rejected_by_commission", 7, false, {{Submit, D}, {Reject, C}}},
      {"talon_issued", 6, true, {{Submit, D}, {Approve, C}, {Approve, R}}},
      {"scheduled", 6, true, {{Submit, D}, {Approve, C}, {Approve, R}, {Accept, H}}},
      {"admitted", 8, true, {{Submit, D}, {Approve, C}, {Approve, R}, {Accept, H}, {Admit, H}}},
      {"completed",
       28,
       false,
       {{Submit, D}, {Approve, C}, {Approve, R}, {Accept, H}, {Admit, H}, {Discharge, H}}},
      {"cancelled", 3, false, {{Submit, D}, {Cancel, D}}},
      {"no_show", 2, false, {{Submit, D}, {Approve, C}, {Approve, R}, {Accept, H}, {NoShow, H}}},
      {"completed_after_more_documents",
       5,
       false,
       {{Submit, D},
        {RequestInfo, C},
        {Resubmit, D},
        {Approve, C},
        {Approve, R},
        {Accept, H},
        {Admit, H},
        {Discharge, H}}},
      {"completed_after_examination",
       4,
       false,
       {{Submit, D},
        {ScheduleInPerson, C},
        {Approve, C},
        {Approve, R},
        {Accept, H},
        {Admit, H},
        {Discharge, H}}},
      {"abroad_review", 1, true, {{Submit, D}, {Approve, C}, {ReferAbroad, R}}},
      {"declined_by_hospital", 1, true, {{Submit, D}, {Approve, C}, {Approve, R}, {Decline, H}}},
      {"rejected_by_republic", 2, false, {{Submit, D}, {Approve, C}, {Reject, R}}},
  };
  return all;
}

bool takes_a_unit(Step const& step) {
  return step.action == Action::Approve && step.by == Role::Republican;
}

// Care profiles by how often they are asked for, with diagnoses that lead to them.
struct ProfileCases {
  char const* profile;
  int weight;
  std::vector<std::pair<char const*, char const*>> cases;  // ICD-10, justification
};

std::vector<ProfileCases> const& profile_cases() {
  static std::vector<ProfileCases> const all = {
      {"cardiac_surgery",
       14,
       {{"I25.1", "Ишемическая болезнь сердца, многососудистое поражение; показано АКШ."},
        {"I35.0", "Критический аортальный стеноз; показано протезирование клапана."},
        {"Q21.1", "Дефект межпредсердной перегородки; показано закрытие дефекта."}}},
      {"cardiology",
       10,
       {{"I48.0", "Пароксизмальная фибрилляция предсердий; показана радиочастотная абляция."},
        {"I42.0", "Дилатационная кардиомиопатия; обследование перед имплантацией ИКД."}}},
      {"neurosurgery",
       6,
       {{"G40.1", "Фармакорезистентная фокальная эпилепсия; консультация нейрохирурга."},
        {"D32.0", "Менингиома конвекситальная; показано удаление."}}},
      {"oncology",
       16,
       {{"C50.4", "Рак молочной железы T2N1M0; комбинированное лечение."},
        {"C34.1", "Рак верхней доли лёгкого; хирургическое лечение."},
        {"C18.7", "Рак сигмовидной кишки; резекция и химиотерапия."}}},
      {"hematology",
       4,
       {{"D61.9", "Апластическая анемия; трансплантация гемопоэтических стволовых клеток."},
        {"C91.0", "Острый лимфобластный лейкоз; программная химиотерапия."}}},
      {"transplantation",
       2,
       {{"N18.5", "ХБП 5 ст. на гемодиализе; трансплантация почки от родственного донора."},
        {"K74.6", "Цирроз печени класса C; трансплантация печени."}}},
      {"ophthalmology",
       12,
       {{"H25.1", "Зрелая ядерная катаракта; показана факоэмульсификация."},
        {"H40.1", "Первичная открытоугольная глаукома; антиглаукомная операция."}}},
      {"traumatology_orthopedics",
       12,
       {{"M16.1", "Первичный коксартроз III ст.; показано эндопротезирование."},
        {"M17.1", "Гонартроз III ст.; эндопротезирование коленного сустава."}}},
      {"uronephrology",
       6,
       {{"N20.0", "Коралловидный камень почки; перкутанная нефролитотрипсия."},
        {"N40", "Гиперплазия предстательной железы; трансуретральная резекция."}}},
      {"obstetrics_gynecology",
       6,
       {{"D25.1", "Миома матки больших размеров; оперативное лечение."},
        {"O36.5", "Задержка роста плода; родоразрешение в перинатальном центре."}}},
      {"pediatric_surgery",
       4,
       {{"Q40.0", "Врождённый пилоростеноз; пилоромиотомия."},
        {"Q43.1", "Болезнь Гиршпрунга; радикальная операция."}}},
      {"surgery",
       8,
       {{"K80.1", "Желчнокаменная болезнь; лапароскопическая холецистэктомия."},
        {"K40.9", "Паховая грыжа; плановая герниопластика."}}},
  };
  return all;
}

constexpr std::array kLastNames{"Абаев",    "Ахметов",   "Бекмухамедов", "Жумабаев", "Ибраев",
                                "Иванов",   "Касымов",   "Ким",          "Мусин",    "Нургалиев",
                                "Омаров",   "Петров",    "Сагинтаев",    "Сейткали", "Тлеубаев",
                                "Утепов",   "Шайхутдинов", "Ержанов",    "Байжанов", "Ли"};
constexpr std::array kMaleFirst{"Ерлан", "Марат", "Асхат", "Нурлан", "Тимур", "Бауыржан",
                                "Арман", "Данияр", "Сергей", "Алексей", "Айдос", "Ержан"};
constexpr std::array kFemaleFirst{"Айгуль", "Динара", "Сауле", "Гульнара", "Алия", "Жанар",
                                  "Камила", "Айгерім", "Елена", "Мадина", "Асель", "Томирис"};
constexpr std::array kFathers{"Кайрат", "Серик", "Марат", "Болат", "Ерлан",
                              "Нурлан", "Аскар", "Михаил", "Рашид", "Талгат"};

// Feminine surnames of these forms add "а": Абаев → Абаева.
std::string surname_for(std::string_view last, Sex sex) {
  std::string name{last};
  if (sex == Sex::Female && (name.ends_with("ев") || name.ends_with("ов") || name.ends_with("ин"))) {
    name += "а";
  }
  return name;
}

std::string patronymic_for(std::string_view father, Sex sex) {
  return fmt::format("{}{}", father, sex == Sex::Male ? "ович" : "овна");
}

// One referral as planned: compact, since a million are held at once.
struct Plan {
  std::uint8_t path = 0;
  std::uint8_t region = 0;
  std::uint8_t profile = 0;
  std::uint8_t diagnosis = 0;
  bool urgent = false;
  Sex sex = Sex::Male;
  std::int32_t birth_days = 0;  // days since 1970-01-01
  std::uint32_t name_seed = 0;
  std::int64_t end_planned_date_days = 0;  // for a referral left scheduled
};

// A step of one referral at its moment; step 0 registers the patient and the referral.
struct Event {
  std::int64_t at_millis;
  std::uint32_t referral;
  std::uint8_t step;
  bool operator<(Event const& other) const {
    return std::tie(at_millis, referral, step) <
           std::tie(other.at_millis, other.referral, other.step);
  }
};

// The time of every step of every referral, fixed at planning so that quotas can be sized.
struct Timeline {
  std::vector<Event> events;          // sorted by time
  std::vector<std::int64_t> step_at;  // referral r's step s at step_at[first_step[r] + s]
  std::vector<std::uint32_t> first_step;
};

// Waits until every queued command has been answered.
class InFlight {
 public:
  explicit InFlight(std::size_t limit) : limit_(limit) {}
  void acquire() {
    std::unique_lock lock{mutex_};
    changed_.wait(lock, [&] { return count_ < limit_; });
    ++count_;
  }
  void release() {
    {
      std::lock_guard lock{mutex_};
      --count_;
    }
    changed_.notify_all();
  }
  void drain() {
    std::unique_lock lock{mutex_};
    changed_.wait(lock, [&] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t limit_;
  std::size_t count_ = 0;
};

class Generator {
 public:
  Generator(Transactor& writer, Reader& reader, Timestamp now, WorkingCalendar const& calendar,
            Icd10Catalogue const& icd10, DeadlinePolicy const& policy, BulkOptions const& options)
      : writer_(writer),
        reader_(reader),
        now_(now),
        clock_(now),
        icd10_(icd10),
        workflow_(clock_, calendar, icd10, policy),
        accounts_(clock_),
        options_(options),
        random_(options.seed),
        in_flight_(options.in_flight) {}

  BulkReport run(WorkingCalendar const& calendar, DeadlinePolicy const& policy,
                 BulkProgress const& progress) {
    clock_.set(now_);
    if (!must(server::seed_demo(writer_, reader_, clock_, calendar, icd10_, policy))) {
      throw ScriptFailure{make_error(Errc::Validation, "the database already holds data; start from an empty one")};
    }
    load_reference();
    create_people();
    plan();
    set_quotas();
    replay(progress);
    sweep(now_);
    report_.referrals = static_cast<std::int64_t>(plans_.size());
    auto counts = must(query(reader_, [](StoreReads& s) {
      return s.count_referrals_by_state(ReferralFilter{});
    }));
    for (auto const& [state, count] : counts) report_.by_state[state] = count;
    return report_;
  }

 private:
  void load_reference() {
    regions_ = must(query(reader_, [](StoreReads& s) { return s.list_regions(); }));
    auto const profiles = must(query(reader_, [](StoreReads& s) { return s.list_profiles(); }));
    for (auto const& cases : profile_cases()) {
      bool const known = std::any_of(profiles.begin(), profiles.end(),
                                     [&](Profile const& p) { return p.code == cases.profile; });
      if (!known) throw ScriptFailure{make_error(Errc::Internal, fmt::format("no profile {}", cases.profile))};
    }
  }

  Actor actor_of(std::string const& login) {
    auto user = must(query(reader_, [&](StoreReads& s) { return s.find_user_by_login(login); }));
    if (!user) throw ScriptFailure{make_error(Errc::Internal, "the demo has no user " + login)};
    return user->actor();
  }

  Actor create_user(std::string login, std::string name, Role role, std::optional<Id> organization,
                    std::string region) {
    UserDraft draft{std::move(login), std::move(name), role,          organization,
                    std::move(region), Locale::Ru,     password_hash_};
    auto user = must(transact(writer_, [&](Store& s) {
      return accounts_.create_user(s, Actor::system(), draft);
    }));
    return user.actor();
  }

  Id create_organization(std::string name, OrganizationKind kind, std::string region) {
    Organization o{0, std::move(name), kind, OrganizationLevel::Local, std::move(region), {}, {}};
    return must(transact(writer_, [&](Store& s) { return s.insert_organization(o); }));
  }

  // The demo's people where it has them (Almaty, Astana), and new ones everywhere else.
  void create_people() {
    password_hash_ = must(server::hash_password(server::kDemoPassword));
    for (auto const& region : regions_) {
      if (region.code == "75") {
        doctors_.push_back(actor_of("doctor"));
        commissions_.push_back(actor_of("commission"));
      } else if (region.code == "71") {
        doctors_.push_back(actor_of("doctor.astana"));
        commissions_.push_back(actor_of("commission.astana"));
      } else {
        auto const polyclinic = create_organization(
            fmt::format("Городская поликлиника №1 ({})", region.name.ru), OrganizationKind::Polyclinic,
            region.code);
        doctors_.push_back(create_user(fmt::format("doctor.{}", region.code),
                                       fmt::format("Врач поликлиники №1 ({})", region.name.ru),
                                       Role::Doctor, polyclinic, ""));
        commissions_.push_back(create_user(fmt::format("commission.{}", region.code),
                                           fmt::format("Комиссия ({})", region.name.ru),
                                           Role::Commission, std::nullopt, region.code));
      }
    }
    republic_ = actor_of("republic");
    // Each profile's talons go to a demo hospital that treats it and takes high-technology
    // cases, acted for by that hospital's demo login.
    std::map<Id, Actor> staff;
    for (auto const& login : server::demo_logins()) {
      if (login.role != "hospital") continue;
      auto actor = actor_of(login.login);
      if (actor.organization_id) staff.emplace(*actor.organization_id, actor);
    }
    for (auto const& cases : profile_cases()) {
      OrganizationFilter filter;
      filter.kind = OrganizationKind::Hospital;
      filter.profile = cases.profile;
      filter.route = Route::HighTech;
      auto const hospitals = must(query(reader_, [&](StoreReads& s) { return s.list_organizations(filter); }));
      auto const chosen = std::find_if(hospitals.begin(), hospitals.end(), [&](Organization const& h) {
        return staff.contains(h.id);
      });
      if (chosen == hospitals.end()) {
        throw ScriptFailure{make_error(
            Errc::Internal, fmt::format("the demo has no hospital for {}", cases.profile))};
      }
      hospital_for_profile_.push_back(staff.at(chosen->id));
    }
  }

  template <class T>
  std::size_t weighted(std::span<T const> items, auto weight_of) {
    int total = 0;
    for (auto const& item : items) total += weight_of(item);
    int pick = std::uniform_int_distribution<int>{0, total - 1}(random_);
    for (std::size_t i = 0; i < items.size(); ++i) {
      pick -= weight_of(items[i]);
      if (pick < 0) return i;
    }
    return items.size() - 1;
  }

  std::int64_t uniform(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>{low, high}(random_);
  }

  void plan() {
    auto const& all_paths = paths();
    auto const& all_cases = profile_cases();
    std::vector<std::int64_t> region_weights;
    for (auto const& r : regions_) region_weights.push_back(r.population / 1000);
    auto const count = static_cast<std::size_t>(options_.referrals);
    plans_.resize(count);
    timeline_.first_step.resize(count + 1);
    auto const now_millis = to_millis(now_);
    constexpr std::int64_t hour = 3'600'000;
    constexpr std::int64_t day = 24 * hour;
    std::int64_t const today_days = local_date(now_).time_since_epoch().count();
    for (std::size_t r = 0; r < count; ++r) {
      Plan& plan = plans_[r];
      plan.path = static_cast<std::uint8_t>(
          weighted(std::span{all_paths}, [](Path const& p) { return p.weight; }));
      plan.region = static_cast<std::uint8_t>(
          weighted(std::span<std::int64_t const>{region_weights}, [](std::int64_t w) { return static_cast<int>(w); }));
      plan.profile = static_cast<std::uint8_t>(
          weighted(std::span{all_cases}, [](ProfileCases const& c) { return c.weight; }));
      plan.diagnosis = static_cast<std::uint8_t>(uniform(0, static_cast<std::int64_t>(all_cases[plan.profile].cases.size()) - 1));
      plan.urgent = uniform(0, 4) == 0;
      plan.sex = uniform(0, 1) == 0 ? Sex::Male : Sex::Female;
      plan.birth_days = static_cast<std::int32_t>(today_days - uniform(365, 85 * 365));
      plan.name_seed = static_cast<std::uint32_t>(uniform(0, 1'000'000'000));
      Path const& path = all_paths[plan.path];
      // The last step: recent for a referral still with someone (a scheduled one within its
      // talon's validity), anywhere in the window for a closed one.
      bool const scheduled_now = path.steps.size() == 4 && path.steps.back().action == Action::Accept;
      std::int64_t const window = path.still_open ? (scheduled_now ? 8 : 20) * day : options_.days * day;
      std::int64_t at = now_millis - uniform(hour, window);
      std::vector<std::int64_t> times(path.steps.size() + 1);
      for (std::size_t s = times.size(); s-- > 0;) {
        times[s] = at;
        at -= uniform(10 * 60'000, 48 * hour);
      }
      timeline_.first_step[r] = static_cast<std::uint32_t>(timeline_.step_at.size());
      for (std::size_t s = 0; s < times.size(); ++s) {
        timeline_.step_at.push_back(times[s]);
        timeline_.events.push_back(Event{times[s], static_cast<std::uint32_t>(r), static_cast<std::uint8_t>(s)});
      }
      if (scheduled_now) plan.end_planned_date_days = today_days + uniform(1, 7);
    }
    timeline_.first_step[count] = static_cast<std::uint32_t>(timeline_.step_at.size());
    std::sort(timeline_.events.begin(), timeline_.events.end());
    referral_ids_.assign(count, 0);
    stopped_.assign(count, false);
  }

  // Units enough for what the plans approve, year by year; transplantation short, so that its
  // waitlists fill as they do in life, and in every region whatever the bureau's size: the
  // waiting report's work is one row per list with someone on it, so the bureaus it is compared
  // across (10,000 and a million referrals) must have their waitlists in the same places. (With
  // a unit to spare in every quota, the regions of a small bureau never ran short: its report
  // showed two lists against a million's twenty.)
  void set_quotas() {
    std::map<QuotaKey, int> needed;
    auto const& all_paths = paths();
    auto const& all_cases = profile_cases();
    for (std::size_t r = 0; r < plans_.size(); ++r) {
      auto const& steps = all_paths[plans_[r].path].steps;
      for (std::size_t s = 0; s < steps.size(); ++s) {
        if (!takes_a_unit(steps[s])) continue;
        auto const at = from_millis(timeline_.step_at[timeline_.first_step[r] + s + 1]);
        ++needed[QuotaKey{year_of(local_date(at)), regions_[plans_[r].region].code,
                          all_cases[plans_[r].profile].profile}];
      }
    }
    clock_.set(now_);
    must(transact(writer_, [&](Store& s) -> Status {
      for (auto const& [key, units] : needed) {
        auto current = s.find_quota(key);
        if (!current) return current.error();
        bool const short_of_units = key.profile == "transplantation";
        int const planned = short_of_units ? static_cast<int>(std::floor(units * 0.8))
                                           : static_cast<int>(std::ceil(units * 1.1)) + 1;
        // Never below what the demo's referrals hold; a demo quota larger than a short plan
        // is cut to the plan.
        int const held = *current ? (*current)->reserved + (*current)->used : 0;
        int const allocated =
            short_of_units ? std::max(held, planned)
                           : std::max(*current ? (*current)->allocated : 0, planned);
        auto saved = workflow_.set_allocation(s, republic_, key, allocated);
        if (!saved) return saved.error();
      }
      return ok();
    }));
  }

  ActionInput input_for(std::size_t r, std::size_t step, Action action, Role by) {
    auto const& plan = plans_[r];
    auto const& diagnosis = profile_cases()[plan.profile].cases[plan.diagnosis];
    auto const at = [&](std::size_t s) { return from_millis(timeline_.step_at[timeline_.first_step[r] + s]); };
    std::size_t const last = timeline_.first_step[r + 1] - timeline_.first_step[r] - 1;
    ActionInput in;
    switch (action) {
      case Action::ScheduleInPerson:
        in.exam_at = start_of_local_day(local_date(at(step)) + std::chrono::days{3}) + 11h;
        in.exam_place = "Управление здравоохранения, каб. 305";
        break;
      case Action::RequestInfo: in.comment = "Приложите результаты обследования не старше 3 месяцев"; break;
      case Action::Resubmit: in.comment = "Результаты обследования приложены"; break;
      case Action::Approve:
        if (by == Role::Commission) {
          in.protocol = fmt::format("{}/{}", r + 1, year_of(local_date(at(step))));
        } else {
          in.hospital_id = hospital_for_profile_[plan.profile].organization_id;
        }
        break;
      case Action::Reject:
        in.reason = "Помощь может быть оказана на уровне области";
        break;
      case Action::Cancel: in.reason = "Пациент отказался от госпитализации"; break;
      case Action::Decline: in.reason = "Нет свободных коек на ближайший месяц"; break;
      case Action::ReferAbroad: in.comment = "Технология недоступна в РК"; break;
      case Action::Accept:
        // Admitted on the day planned; one left scheduled comes in the next days.
        in.planned_date = step == last ? Date{std::chrono::days{plan.end_planned_date_days}}
                                       : local_date(at(step + 1));
        break;
      case Action::Admit: in.case_number = fmt::format("ИБ-{:07}", r + 1); break;
      case Action::Discharge:
        in.outcome = plan.name_seed % 10 == 0 ? Outcome::Unchanged : Outcome::Improved;
        in.final_icd10 = diagnosis.first;
        break;
      default: break;
    }
    return in;
  }

  // Registers the patient (whose IIN follows from the referral's number, so never repeats) and
  // the referral.
  Result<Id> register_patient_and_referral(Store& store, std::size_t r) {
    auto const& plan = plans_[r];
    auto const& region = regions_[plan.region];
    auto const& cases = profile_cases()[plan.profile];
    Date const birth{std::chrono::days{plan.birth_days}};
    // 10,000 serials per birth date and sex: draw until a free one comes.
    std::string iin;
    for (std::uint32_t attempt = plan.name_seed;; ++attempt) {
      iin = make_iin(birth, plan.sex, attempt);
      if (used_iins_.insert(iin).second) break;
    }
    auto const seed = plan.name_seed;
    PatientDraft patient{iin,
                         surname_for(kLastNames[seed % kLastNames.size()], plan.sex),
                         plan.sex == Sex::Male ? kMaleFirst[(seed / 20) % kMaleFirst.size()]
                                               : kFemaleFirst[(seed / 20) % kFemaleFirst.size()],
                         patronymic_for(kFathers[(seed / 400) % kFathers.size()], plan.sex),
                         birth,
                         plan.sex,
                         Residency::Citizen,
                         region.code,
                         fmt::format("+7 701 {:03} {:04}", seed % 1000, (seed / 1000) % 10'000),
                         true,
                         "",
                         seed % 2 == 0 ? Locale::Ru : Locale::Kk};
    auto const& doctor = doctors_[plan.region];
    auto registered = workflow_.register_patient(store, doctor, patient);
    if (!registered) return registered.error();
    auto const& diagnosis = cases.cases[plan.diagnosis];
    ReferralDraft draft{iin,
                        diagnosis.first,
                        cases.profile,
                        Route::HighTech,
                        plan.urgent ? Urgency::Urgent : Urgency::Routine,
                        CareForm::Inpatient,
                        diagnosis.second};
    auto referral = workflow_.register_referral(store, doctor, draft);
    if (!referral) return referral.error();
    return referral->id;
  }

  Actor const& actor_for(std::size_t r, Role role) const {
    auto const& plan = plans_[r];
    switch (role) {
      case Role::Doctor: return doctors_[plan.region];
      case Role::Commission: return commissions_[plan.region];
      case Role::Hospital: return hospital_for_profile_[plan.profile];
      default: return republic_;
    }
  }

  // One step as one command. The writer may run a command again after another in its batch
  // failed, so the command reads the referral's version afresh instead of remembering it.
  Status run_step(Store& store, Event const& event) {
    clock_.set(from_millis(event.at_millis));
    std::size_t const r = event.referral;
    if (event.step == 0) {
      auto id = register_patient_and_referral(store, r);
      if (!id) return id.error();
      referral_ids_[r] = *id;
      return ok();
    }
    if (stopped_[r]) return ok();
    auto referral = store.find_referral(referral_ids_[r]);
    if (!referral) return referral.error();
    if (!*referral) return make_error(Errc::Internal, "the referral vanished");
    auto const& step = paths()[plans_[r].path].steps[event.step - 1];
    if ((*referral)->state == State::Waitlisted || (*referral)->state == State::Expired) {
      // The quota ran out, or the talon lapsed: the rest of the plan no longer applies.
      return make_error(Errc::InvalidTransition, "skipped");
    }
    ActionCommand command{referral_ids_[r], step.action, (*referral)->version,
                          input_for(r, event.step, step.action, step.by)};
    auto done = workflow_.perform(store, actor_for(r, step.by), command);
    if (!done) return done.error();
    return ok();
  }

  void sweep(Timestamp at) {
    for (;;) {
      auto report = must(transact(writer_, [&](Store& s) {
        clock_.set(at);
        return workflow_.sweep_deadlines(s, 50'000);
      }));
      if (report.expired.empty() && report.overdue.empty() && report.promoted.empty()) return;
    }
  }

  void replay(BulkProgress const& progress) {
    constexpr std::int64_t kSweepEvery = 6 * 3'600'000;
    std::int64_t next_sweep = timeline_.events.empty() ? 0 : timeline_.events.front().at_millis + kSweepEvery;
    std::int64_t registered = 0;
    for (auto const& event : timeline_.events) {
      if (event.at_millis >= next_sweep) {
        // The bureau's housekeeping, queued in turn like any command: the writer runs its
        // queue in order, so the sweep sees the past before it and nothing after.
        in_flight_.acquire();
        writer_.submit(
            [this, at = from_millis(next_sweep)](Store& s) -> Status {
              clock_.set(at);
              auto swept = workflow_.sweep_deadlines(s, 1'000'000);
              return swept ? ok() : Status{swept.error()};
            },
            [this](Status status) {
              if (!status) ++report_.failures["sweep: " + status.error().message];
              in_flight_.release();
            });
        next_sweep += kSweepEvery;
      }
      in_flight_.acquire();
      ++report_.commands;
      writer_.submit([this, event](Store& s) { return run_step(s, event); },
                     [this, event](Status status) {
                       if (!status) {
                         stopped_[event.referral] = true;
                         if (status.error().message == "skipped") {
                           auto const r = event.referral;
                           report_.skipped_steps +=
                               timeline_.first_step[r + 1] - timeline_.first_step[r] - event.step;
                         } else {
                           ++report_.failures[fmt::format("{} ({})", status.error().message,
                                                          to_string(paths()[plans_[event.referral].path].steps
                                                                        [event.step == 0 ? 0 : event.step - 1].action))];
                         }
                       }
                       in_flight_.release();
                     });
      if (event.step == 0 && progress && ++registered % 10'000 == 0) {
        progress(registered, options_.referrals);
      }
    }
    in_flight_.drain();
  }

  Transactor& writer_;
  Reader& reader_;
  Timestamp const now_;
  ManualClock clock_;  // each command runs at its own moment of the simulated past
  Icd10Catalogue const& icd10_;
  Workflow workflow_;
  Accounts accounts_;
  BulkOptions const options_;
  std::mt19937_64 random_;
  InFlight in_flight_;
  std::string password_hash_;

  std::vector<Region> regions_;
  std::vector<Actor> doctors_;      // by region index
  std::vector<Actor> commissions_;  // by region index
  Actor republic_;
  std::vector<Actor> hospital_for_profile_;  // by profile index

  std::vector<Plan> plans_;
  Timeline timeline_;
  // Touched only by commands and their answers, all on the writer's thread.
  std::vector<Id> referral_ids_;
  std::vector<bool> stopped_;
  std::unordered_set<std::string> used_iins_;
  BulkReport report_;
};

}  // namespace

Result<BulkReport> generate_bureau(Transactor& writer, Reader& reader, Timestamp now,
                                   WorkingCalendar const& calendar, Icd10Catalogue const& icd10,
                                   DeadlinePolicy const& policy, BulkOptions const& options,
                                   BulkProgress const& progress) {
  if (options.referrals < 0 || options.referrals > 50'000'000) {
    return validation_error("referrals", "between 0 and 50,000,000");
  }
  if (options.days < 30) return validation_error("days", "at least 30");
  try {
    Generator generator{writer, reader, now, calendar, icd10, policy, options};
    return generator.run(calendar, policy, progress);
  } catch (ScriptFailure const& failure) {
    return make_error(failure.error.code, "bulk data: " + failure.error.message, failure.error.field);
  }
}

}  // namespace joldama::bench
