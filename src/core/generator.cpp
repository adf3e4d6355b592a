// The generator's compare-and-swap step.
#include "generator.hpp"

namespace flakeid {

namespace {

// A step that failed with `error`.
Step failed(Error error, std::uint64_t behind_ms = 0) {
  Step step;
  step.kind = Step::Kind::kFailed;
  step.error = error;
  step.behind_ms = behind_ms;
  return step;
}

}  // namespace

// A generator for the layout, epoch and node ids; an error when a node id does not fit.
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

// What to do at state `current` and clock reading `now_ms`: the IDs to take, a wait, or
// a failure. Decides only; reserve_with_clock() takes the IDs with a compare-and-swap.
Step Generator::decide(std::uint64_t current, std::int64_t now_ms,
                       std::uint64_t want) const noexcept {
  if (now_ms < epoch_ms_) return failed(Error::kEpochInFuture);
  const std::uint64_t now_ts = static_cast<std::uint64_t>(now_ms - epoch_ms_);
  const std::uint64_t max_ts = layout_.max_timestamp();
  if (now_ts > max_ts) return failed(Error::kTimestampOverflow);
  const std::uint64_t max_lead = static_cast<std::uint64_t>(policy_.max_lead_ms);

  const std::uint64_t current_ts = current >> sequence_bits_;
  // A new millisecond starts its sequence at 0; otherwise go on after the last ID,
  // which carries into the next millisecond when the sequence is used up.
  const std::uint64_t first = now_ts > current_ts ? now_ts << sequence_bits_ : current + 1;
  const std::uint64_t first_ts = first >> sequence_bits_;
  if (first_ts > max_ts) return failed(Error::kTimestampOverflow);
  if (first_ts > now_ts + max_lead) {
    const std::uint64_t behind = current_ts > now_ts ? current_ts - now_ts : 0;
    // Up to max_lead of it is the generator's own lead, not the clock going back.
    if (behind > max_lead + static_cast<std::uint64_t>(policy_.tolerance_ms)) {
      return failed(Error::kClockMovedBackwards, behind);
    }
    Step step;
    step.kind = Step::Kind::kWait;
    step.until_ms = epoch_ms_ + static_cast<std::int64_t>(first_ts - max_lead);
    step.behind_ms = behind;
    return step;
  }
  const std::uint64_t room = sequence_mask_ - (first & sequence_mask_) + 1;
  Step step;
  step.kind = Step::Kind::kIssued;
  step.first = first;
  step.count = want < room ? want : room;
  return step;
}

// The state value of the first ID of the given Unix millisecond (0 before the epoch).
std::uint64_t Generator::value_at_ms(std::int64_t unix_ms) const noexcept {
  if (unix_ms <= epoch_ms_) return 0;
  return static_cast<std::uint64_t>(unix_ms - epoch_ms_) << sequence_bits_;
}

// Moves `state` forward to at least `floor`; never backwards.
void Generator::advance(State& state, std::uint64_t floor) noexcept {
  std::uint64_t current = state.load(std::memory_order_acquire);
  while (current < floor && !state.compare_exchange_weak(current, floor, std::memory_order_acq_rel,
                                                         std::memory_order_acquire)) {
  }
}

}  // namespace flakeid
