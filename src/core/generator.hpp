// The generator: hands out IDs from one 64-bit state word shared by every caller, advanced
// by compare-and-swap. It reads no clock itself; the caller passes the time in, so tests
// can drive it, and it never sleeps; when it must wait it says until when.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/error.hpp"
#include "core/layout.hpp"

namespace flakeid {

// The shared state: (timestamp << S) | sequence of the last ID handed out, node bits
// left out. Zero means nothing was handed out yet.
using State = std::atomic<std::uint64_t>;
static_assert(State::is_always_lock_free,
              "the state word must be lock-free to live in shared memory");

// How the generator treats a clock that is behind the last ID handed out.
struct ClockPolicy {
  // A clock this far behind (beyond max_lead_ms), or less, is waited out; further is an
  // error.
  std::int64_t tolerance_ms = 10;
  // How far ahead of the clock an ID's timestamp may run: 0 keeps IDs on the wall clock
  // (wait for the next millisecond when a sequence is used up); more lets the generator
  // go on counting past the clock, as a logical clock, by at most this many ms.
  std::int64_t max_lead_ms = 0;
};

// The outcome of one attempt to reserve IDs.
struct Step {
  enum class Kind : std::uint8_t { kIssued, kWait, kFailed };
  Kind kind = Kind::kFailed;
  std::uint64_t first = 0;      // kIssued: state value of the first ID reserved
  std::uint64_t count = 0;      // kIssued: how many consecutive IDs, all in one millisecond
  std::int64_t until_ms = 0;    // kWait: try again once the clock reads this Unix ms
  Error error = Error::kOk;     // kFailed: why
  std::uint64_t behind_ms = 0;  // how far the clock was behind the last ID
};

class Generator {
 public:
  Generator() = default;

  // A generator for the layout, epoch and node ids; an error when a node id does not fit.
  static Result<Generator> create(const Layout& layout, std::int64_t epoch_ms,
                                  std::uint64_t datacenter_id, std::uint64_t machine_id,
                                  ClockPolicy policy) noexcept;

  // Reserves up to `want` (>= 1) consecutive IDs: as many as the millisecond has left, in
  // one compare-and-swap on `state`. `clock()` gives Unix ms; it is read after the state
  // is loaded, each attempt anew, so a caller that was descheduled in between never
  // takes IDs that others made meanwhile for the clock going back.
  template <typename Clock>
  Step reserve_with_clock(State& state, Clock&& clock, std::uint64_t want) const noexcept {
    std::uint64_t current = state.load(std::memory_order_acquire);
    while (true) {
      const Step step = decide(current, clock(), want);
      if (step.kind != Step::Kind::kIssued) return step;
      if (state.compare_exchange_weak(current, step.first + step.count - 1,
                                      std::memory_order_acq_rel, std::memory_order_acquire)) {
        return step;
      }
    }
  }

  // reserve_with_clock() at a fixed clock reading `now_ms` (for tests and tools).
  Step reserve(State& state, std::int64_t now_ms, std::uint64_t want) const noexcept {
    return reserve_with_clock(
        state, [now_ms] { return now_ms; }, want);
  }

  // The ID at a state value: its timestamp and sequence with this node's bits set.
  std::int64_t id_at(std::uint64_t value) const noexcept {
    return static_cast<std::int64_t>(((value >> sequence_bits_) << timestamp_shift_) | node_bits_ |
                                     (value & sequence_mask_));
  }

  // The Unix millisecond of a state value.
  std::int64_t unix_ms_at(std::uint64_t value) const noexcept {
    return epoch_ms_ + static_cast<std::int64_t>(value >> sequence_bits_);
  }

  // The state value of the first ID of the given Unix millisecond (0 before the epoch).
  std::uint64_t value_at_ms(std::int64_t unix_ms) const noexcept;

  // The state value of the first ID of the millisecond after that of `value`: a state
  // moved there makes every later ID newer than every ID of `value`'s millisecond, whatever
  // node bits either carries.
  std::uint64_t value_of_next_ms(std::uint64_t value) const noexcept {
    return ((value >> sequence_bits_) + 1) << sequence_bits_;
  }

  // Moves `state` forward to at least `floor`; never backwards.
  static void advance(State& state, std::uint64_t floor) noexcept;

  // The node bits (datacenter and machine) this generator writes into every ID.
  std::uint64_t node_bits() const { return node_bits_; }

  const Layout& layout() const { return layout_; }
  std::int64_t epoch_ms() const { return epoch_ms_; }

 private:
  // What to do at state `current` and clock reading `now_ms`: the IDs to take, a wait,
  // or a failure. Decides only; reserve_with_clock() takes the IDs. Inline: it is the
  // hot path.
  Step decide(std::uint64_t current, std::int64_t now_ms, std::uint64_t want) const noexcept;

  // A step that failed with `error`.
  static Step failed(Error error, std::uint64_t behind_ms = 0);

  Layout layout_;
  std::int64_t epoch_ms_ = 0;
  ClockPolicy policy_;
  int sequence_bits_ = 0;
  int timestamp_shift_ = 0;
  std::uint64_t sequence_mask_ = 0;
  std::uint64_t node_bits_ = 0;
};

inline Step Generator::failed(Error error, std::uint64_t behind_ms) {
  Step step;
  step.kind = Step::Kind::kFailed;
  step.error = error;
  step.behind_ms = behind_ms;
  return step;
}

inline Step Generator::decide(std::uint64_t current, std::int64_t now_ms,
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

}  // namespace flakeid
