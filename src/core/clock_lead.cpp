// What the server's clock lead explains, and what it remembers of ended leads.
#include "core/clock_lead.hpp"

#include <algorithm>

namespace flakeid {

namespace {

// Raises `value` to at least `floor`.
template <typename T>
void raise_to(std::atomic<T>& value, T floor) noexcept {
  T current = value.load(std::memory_order_relaxed);
  while (current < floor && !value.compare_exchange_weak(current, floor, std::memory_order_seq_cst,
                                                         std::memory_order_relaxed)) {
  }
}

}  // namespace

void ClockLead::end_lead(std::int64_t lead, std::int64_t now_ms) noexcept {
  raise_to(ended_ms, lead);
  raise_to(reach_ms, now_ms + lead);
  ended_at_ms.store(now_ms, std::memory_order_release);
}

void ClockLead::raise_top(std::uint32_t state, std::uint64_t value) const noexcept {
  if (state < kStates) raise_to(tops[state], value);
}

std::int64_t ClockLead::explains(std::uint32_t state, std::uint64_t current,
                                 std::int64_t now_ms) const noexcept {
  const std::int64_t lead = in_force();
  const std::int64_t ended = ended_ms.load(std::memory_order_acquire);
  if (ended <= lead) return lead;
  // The last ID was made after the ended lead was recorded: on the clock, not by it.
  const bool recorded = state < kStates && current <= tops[state].load(std::memory_order_acquire);
  const bool just_ended = now_ms < ended_at_ms.load(std::memory_order_acquire) + kGraceMs;
  if (!recorded && !just_ended) return lead;
  const std::int64_t left = reach_ms.load(std::memory_order_acquire) - now_ms;
  return std::max(lead, std::min(ended, left));
}

}  // namespace flakeid
