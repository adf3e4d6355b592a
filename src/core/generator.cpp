// The generator's compare-and-swap step.
#include "core/generator.hpp"

namespace flakeid {

Result<Generator> Generator::create(const Layout& layout, std::int64_t epoch_ms,
                                    std::uint64_t datacenter_id, std::uint64_t machine_id,
                                    ClockPolicy policy) noexcept {
  if (datacenter_id > layout.max_datacenter()) return {{}, Error::kDatacenterIdRange};
  if (machine_id > layout.max_machine()) return {{}, Error::kMachineIdRange};
  Generator g;
  g.layout_ = layout;
  g.epoch_ms_ = epoch_ms;
  g.policy_ = policy;
  g.sequence_bits_ = layout.sequence_bits;
  g.timestamp_shift_ = layout.timestamp_shift();
  g.sequence_mask_ = layout.max_sequence();
  g.node_bits_ =
      (datacenter_id << layout.datacenter_shift()) | (machine_id << layout.machine_shift());
  return {g, Error::kOk};
}

std::uint64_t Generator::value_at_ms(std::int64_t unix_ms) const noexcept {
  if (unix_ms <= epoch_ms_) return 0;
  return static_cast<std::uint64_t>(unix_ms - epoch_ms_) << sequence_bits_;
}

void Generator::advance(State& state, std::uint64_t floor) noexcept {
  std::uint64_t current = state.load(std::memory_order_acquire);
  while (current < floor && !state.compare_exchange_weak(current, floor, std::memory_order_acq_rel,
                                                         std::memory_order_acquire)) {
  }
}

}  // namespace flakeid
