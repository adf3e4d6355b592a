// The table of generator states that lives in shared memory: one slot per layout and
// epoch in use on the server, so every backend of every database that uses the same
// layout and epoch advances the same state word.
#pragma once

#include <atomic>
#include <cstdint>

#include "generator.hpp"
#include "layout.hpp"

namespace flakeid {

// One layout and epoch in use, and its state.
struct alignas(64) StateSlot {
  Layout layout;
  std::int64_t epoch_ms = 0;
  State state{0};
};

// A fixed table of slots. It is placed in zeroed shared memory, so all-zero bytes must be
// a valid empty table; slots are only ever added, so a slot pointer stays valid.
struct StateTable {
  static constexpr std::uint32_t kSlots = 64;

  std::atomic<std::uint32_t> lock{0};  // guards `used` and claiming; never held by the hot path
  std::atomic<std::uint32_t> used{0};
  StateSlot slots[kSlots];

  // The slot of this layout and epoch, claimed if new; nullptr when the table is full.
  StateSlot* find_or_claim(const Layout& layout, std::int64_t epoch_ms) noexcept;
};

}  // namespace flakeid
