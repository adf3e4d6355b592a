// Finding and claiming the shared slot of a layout and epoch.
#include "core/state_table.hpp"

#include <thread>

namespace flakeid {

// The slot of this layout and epoch, claimed if new; nullptr when the table is full.
StateSlot* StateTable::find_or_claim(const Layout& layout, std::int64_t epoch_ms) noexcept {
  // Claiming is rare (once per backend per setting change), so a plain spin lock will do.
  while (lock.exchange(1, std::memory_order_acquire) != 0) std::this_thread::yield();
  StateSlot* found = nullptr;
  const std::uint32_t count = used.load(std::memory_order_relaxed);
  for (std::uint32_t i = 0; i < count && found == nullptr; ++i) {
    if (shares_state(slots[i].layout, layout) && slots[i].epoch_ms == epoch_ms) found = &slots[i];
  }
  if (found == nullptr && count < kSlots) {
    found = &slots[count];
    found->layout = layout;
    found->epoch_ms = epoch_ms;
    found->state.store(0, std::memory_order_relaxed);
    used.store(count + 1, std::memory_order_release);
  }
  lock.store(0, std::memory_order_release);
  return found;
}

}  // namespace flakeid
