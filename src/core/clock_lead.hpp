// The clock lead of a server: how far IDs may run ahead of the clock under the logical
// clock policy. It lives in shared memory beside the states and every caller of every
// state reads it, so the lead one session runs under is the lead every session sees, and
// never looks like a clock gone backwards to another. When the lead shrinks (the policy
// goes back to wait), it remembers how far the old lead reached and, per state, up to
// which ID it may have been used, so the IDs it let run ahead of the clock are told apart
// from a clock that really stepped back.
#pragma once

#include <atomic>
#include <cstdint>

namespace flakeid {

// All-zero bytes are no lead and nothing remembered: it can be placed in zeroed shared
// memory.
class ClockLead {
 public:
  // The states it keeps a record for (the state table's slots), by their index.
  static constexpr std::uint32_t kStates = 64;

  // For this long after a lead shrinks, a state's IDs beyond its record are taken for the
  // old lead's too: a caller that read the old lead just before the change may record its
  // IDs only after it.
  static constexpr std::int64_t kGraceMs = 1000;

  // Puts `lead` in force. `clock()` gives Unix ms; the lead acts on `states` states, whose
  // values `state_at(i)` gives. A smaller lead than before leaves the old one's reach, and
  // each state's value, behind. Nothing is written when the lead is unchanged.
  template <typename Clock, typename StateAt>
  void set(std::int64_t lead, Clock&& clock, std::uint32_t states, StateAt&& state_at) noexcept {
    std::int64_t old = lead_ms.load(std::memory_order_acquire);
    while (old != lead) {
      // The old lead's reach goes in first: a caller that sees the new lead sees it too.
      if (lead < old) end_lead(old, clock());
      if (lead_ms.compare_exchange_weak(old, lead, std::memory_order_seq_cst,
                                        std::memory_order_acquire)) {
        if (lead < old) {
          // A caller that read the clock after the first reading and the old lead before
          // the change may have gone a little further.
          end_lead(old, clock());
          // Every ID made under the old lead is at or below its state's value now, or
          // recorded by its caller (note_ahead).
          for (std::uint32_t i = 0; i < states && i < kStates; ++i) raise_top(i, state_at(i));
        }
        return;
      }
    }
  }

  // How far ahead of the clock, at `now_ms`, state `state` may lie because of a lead, its
  // last ID being `current`: the lead in force, or what is left of an earlier, larger one
  // if that ID may be its: no more than that lead (a clock that has stepped back since
  // explains the rest) and less as the clock passes its reach.
  std::int64_t explains(std::uint32_t state, std::uint64_t current,
                        std::int64_t now_ms) const noexcept;

  // Records that IDs up to `value` of state `state` were made under a lead of `used_ms`;
  // called right after they were reserved ahead of the clock. Does nothing unless the lead
  // has shrunk since.
  void note_ahead(std::uint32_t state, std::uint64_t value, std::int64_t used_ms) const noexcept {
    if (lead_ms.load(std::memory_order_seq_cst) < used_ms) raise_top(state, value);
  }

  // The lead in force (0: none).
  std::int64_t in_force() const noexcept { return lead_ms.load(std::memory_order_acquire); }

 private:
  // Records that a lead of `lead` ms ended at clock reading `now_ms`.
  void end_lead(std::int64_t lead, std::int64_t now_ms) noexcept;

  // Raises the record of state `state` to at least `value`.
  void raise_top(std::uint32_t state, std::uint64_t value) const noexcept;

  // How far ahead of the clock an ID's timestamp may run now, in ms; 0 keeps IDs on the
  // wall clock (the wait policy).
  std::atomic<std::int64_t> lead_ms{0};
  // Unix ms: every ID issued under a larger lead than the one in force now lies below it.
  std::atomic<std::int64_t> reach_ms{0};
  // The largest lead that has ended: no ID it let run ahead was further ahead of the clock
  // when it was made.
  std::atomic<std::int64_t> ended_ms{0};
  // The clock reading when a lead last ended.
  std::atomic<std::int64_t> ended_at_ms{0};
  // Per state, the value up to which its IDs may have been made under an ended lead.
  // Written by the callers that make IDs as well (note_ahead), hence mutable.
  mutable std::atomic<std::uint64_t> tops[kStates] = {};
};

// A lead of nothing, for callers that run without one (tests and tools).
inline const ClockLead kNoClockLead{};

}  // namespace flakeid
