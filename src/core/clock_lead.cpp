// How far the server's clock lead reaches.
#include "core/clock_lead.hpp"

#include <algorithm>

namespace flakeid {

namespace {

// Raises `value` to at least `floor`.
void raise_to(std::atomic<std::int64_t>& value, std::int64_t floor) noexcept {
  std::int64_t current = value.load(std::memory_order_relaxed);
  while (current < floor && !value.compare_exchange_weak(current, floor, std::memory_order_release,
                                                         std::memory_order_relaxed)) {
  }
}

}  // namespace

void ClockLead::raise_reach(std::int64_t lead, std::int64_t unix_ms) noexcept {
  raise_to(ended_ms, lead);
  raise_to(reach_ms, unix_ms);
}

std::int64_t ClockLead::explains(std::int64_t now_ms) const noexcept {
  const std::int64_t lead = in_force();
  const std::int64_t left = reach_ms.load(std::memory_order_acquire) - now_ms;
  return std::max(lead, std::min(ended_ms.load(std::memory_order_acquire), left));
}

}  // namespace flakeid
