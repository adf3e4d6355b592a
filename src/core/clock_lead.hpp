// The clock lead of a server: how far IDs may run ahead of the clock under the logical
// clock policy. It lives in shared memory beside the states and every caller of every
// state reads it, so the lead one session runs under is the lead every session sees, and
// never looks like a clock gone backwards to another. When the lead shrinks (the policy
// goes back to wait), what it let IDs reach is remembered, so the IDs already ahead of the
// clock are told apart from a clock that really stepped back.
#pragma once

#include <atomic>
#include <cstdint>

namespace flakeid {

// All-zero bytes are no lead and no reach: it can be placed in zeroed shared memory.
class ClockLead {
 public:
  // Puts `lead` in force; a smaller lead than before leaves the reach of the old one
  // behind. `clock()` gives Unix ms. Nothing is written when the lead is unchanged.
  template <typename Clock>
  void set(std::int64_t lead, Clock&& clock) noexcept {
    std::int64_t old = lead_ms.load(std::memory_order_acquire);
    while (old != lead) {
      // The old lead's reach goes in first: a caller that sees the new lead sees it too.
      if (lead < old) raise_reach(old, clock() + old);
      if (lead_ms.compare_exchange_weak(old, lead, std::memory_order_acq_rel,
                                        std::memory_order_acquire)) {
        // A caller that read the clock after the first reading above and the old lead
        // before the change may have gone a little further: the reach covers it too.
        if (lead < old) raise_reach(old, clock() + old);
        return;
      }
    }
  }

  // How far ahead of the clock, at `now_ms`, IDs may lie because of a lead: the one in
  // force, or what is left of an earlier, larger one: no more than that lead (a clock that
  // has stepped back since explains the rest) and less as the clock passes its reach.
  std::int64_t explains(std::int64_t now_ms) const noexcept;

  // The lead in force (0: none).
  std::int64_t in_force() const noexcept { return lead_ms.load(std::memory_order_acquire); }

 private:
  // Records that a lead of `lead` ms ended when it could let IDs reach Unix ms `unix_ms`.
  void raise_reach(std::int64_t lead, std::int64_t unix_ms) noexcept;

  // How far ahead of the clock an ID's timestamp may run now, in ms; 0 keeps IDs on the
  // wall clock (the wait policy).
  std::atomic<std::int64_t> lead_ms{0};
  // Unix ms: every ID issued under a larger lead than the one in force now lies below it.
  std::atomic<std::int64_t> reach_ms{0};
  // The largest lead that has ended: no ID it let run ahead was further ahead of the clock
  // when it was made.
  std::atomic<std::int64_t> ended_ms{0};
};

// A lead of nothing, for callers that run without one (tests and tools).
inline const ClockLead kNoClockLead{};

}  // namespace flakeid
