// The ports' two sides (workflow/ports.hpp): a read is given the read side alone, so that it
// cannot even name a write; a command is given both. Checked when the suite is built: a write
// reachable from the read side fails the build.

#include "workflow/ports.hpp"

#include <functional>
#include <type_traits>

namespace joldama {
namespace {

template <class S>
concept CanUpdateAReferral = requires(S& s, Referral const& r) { s.update_referral(r, 1); };
template <class S>
concept CanAppendToTheAudit = requires(S& s, AuditEvent const& e) { s.append_audit(e); };
template <class S>
concept CanMoveACounter =
    requires(S& s, std::vector<CounterDelta> const& d) { s.add_to_counters(d); };
template <class S>
concept CanSaveAWaitlist = requires(S& s, SummedWaitlist const& w) { s.save_waitlist(w); };
template <class S>
concept CanStartASession = requires(S& s, Session const& session) { s.insert_session(session); };
template <class S>
concept CanTakeATicket = requires(S& s) { s.next_value("talon-2026"); };
template <class S>
concept CanReadAReferral = requires(S& s) { s.find_referral(Id{1}); };
template <class S>
concept CanReadTheCounters = requires(S& s, CounterRange const& r) { s.read_counters(r); };

static_assert(!CanUpdateAReferral<StoreReads>);
static_assert(!CanAppendToTheAudit<StoreReads>);
static_assert(!CanMoveACounter<StoreReads>);
static_assert(!CanSaveAWaitlist<StoreReads>);
static_assert(!CanStartASession<StoreReads>);
static_assert(!CanTakeATicket<StoreReads>);
static_assert(CanReadAReferral<StoreReads> && CanReadTheCounters<StoreReads>);

static_assert(CanUpdateAReferral<Store> && CanAppendToTheAudit<Store> && CanMoveACounter<Store> &&
              CanSaveAWaitlist<Store> &&
              CanStartASession<Store> && CanTakeATicket<Store>);
static_assert(CanReadAReferral<Store> && std::is_base_of_v<StoreReads, Store>);

static_assert(std::is_same_v<Reader::Work, std::function<Status(StoreReads&)>>);
static_assert(std::is_same_v<Transactor::Work, std::function<Status(Store&)>>);

}  // namespace
}  // namespace joldama
