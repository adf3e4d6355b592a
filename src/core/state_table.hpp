// The table of generator states that lives in shared memory: one slot per layout and
// epoch in use on the server, so every caller that uses the same layout and epoch, in
// whatever process, advances the same state word.
//
// Layouts that differ only in how they split the node bits between datacenter and
// machine (twitter 41,5,5,12 and single_dc 41,0,10,12) can write the very same bits, so
// they share a slot too: the key is the epoch and the timestamp and sequence widths.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/clock_lead.hpp"
#include "core/generator.hpp"
#include "core/layout.hpp"

namespace flakeid {

// What happened to one slot since the server started (relaxed counters, for a view).
struct SlotCounters {
  std::atomic<std::uint64_t> ids_issued{0};
  std::atomic<std::uint64_t> sequence_waits{0};  // waits for the next ms: sequence used up
  std::atomic<std::uint64_t> clock_waits{0};     // waits out a clock step back
  std::atomic<std::uint64_t> clock_errors{0};    // refusals: the clock too far back
};

// One layout and epoch in use, and its state.
struct alignas(64) StateSlot {
  Layout layout;
  std::int64_t epoch_ms = 0;
  State state{0};
  SlotCounters counters;
};

// A fixed table of slots. It is placed in zeroed shared memory, so all-zero bytes must be
// a valid empty table; slots are only ever added, so a slot pointer stays valid. Where the
// states must resume after a restart is the glue's business (src/pg/durability/resume.cpp).
struct StateTable {
  static constexpr std::uint32_t kSlots = 64;

  std::atomic<std::uint32_t> lock{0};  // guards `used` and claiming; never held by the hot path
  std::atomic<std::uint32_t> used{0};
  // How far IDs may run ahead of the clock on this server, for every slot: one lead for
  // all, so no caller's lead is another's clock fault; with a record per slot (by index).
  ClockLead clock_lead;
  StateSlot slots[kSlots];

  // Whether two layouts must share a state: same timestamp and sequence widths.
  static bool shares_state(const Layout& a, const Layout& b) {
    return a.timestamp_bits == b.timestamp_bits && a.sequence_bits == b.sequence_bits;
  }

  // The slot of this layout and epoch, claimed if new; nullptr when the table is full.
  StateSlot* find_or_claim(const Layout& layout, std::int64_t epoch_ms) noexcept;

  // The slot's place in the table, 0 to kSlots - 1.
  std::uint32_t index_of(const StateSlot* slot) const noexcept {
    return static_cast<std::uint32_t>(slot - slots);
  }

  // The clock lead as the reservations of `slot` see it.
  StateLead lead_of(const StateSlot* slot) const noexcept {
    return StateLead{&clock_lead, index_of(slot)};
  }

  // Puts `lead` in force for every slot (ClockLead::set); `clock()` gives Unix ms.
  template <typename Clock>
  void set_clock_lead(std::int64_t lead, Clock&& clock) noexcept {
    clock_lead.set(lead, clock, used.load(std::memory_order_acquire), [this](std::uint32_t i) {
      return slots[i].state.load(std::memory_order_seq_cst);
    });
  }
};
static_assert(ClockLead::kStates == StateTable::kSlots, "a lead record per slot");

}  // namespace flakeid
