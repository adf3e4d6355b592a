// The generator: hands out IDs from one 64-bit state word shared by every caller, advanced
// by compare-and-swap. It reads no clock itself; the caller passes the time in, so tests
// can drive it, and it never sleeps; when it must wait it says until when.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/clock_lead.hpp"
#include "core/error.hpp"
#include "core/layout.hpp"

namespace flakeid {

// The shared state: (timestamp << S) | sequence of the last ID handed out, node bits
// left out. Zero means nothing was handed out yet.
using State = std::atomic<std::uint64_t>;
static_assert(State::is_always_lock_free,
              "the state word must be lock-free to live in shared memory");

// How the generator treats a clock that is behind the last ID handed out. How far IDs may
// run ahead of the clock (the logical clock policy) is the server's ClockLead, shared by
// every caller; this is what each caller may wait out beyond it.
struct ClockPolicy {
  // A clock this far behind (beyond the lead in force), or less, is waited out; further
  // is an error.
  std::int64_t tolerance_ms = 10;
};

// A clock behind the last ID by no more than a lead explains, beyond the lead in force
// now, is waited out when the wait is this short; a longer one is refused.
constexpr std::int64_t kShortLeadWaitMs = 1000;

// How much of a millisecond one reservation may take.
enum class Share : std::uint8_t {
  // As much as it has left (a single ID; tools).
  kAll,
  // A bulk call: at most half of what it has left, so a caller that comes later in the
  // same millisecond still finds IDs there.
  kHalf,
  // A bulk call while others take IDs from the same state too: at most half, and never
  // the last quarter of a millisecond the clock allows no further than: that is theirs.
  kShared,
};

// The server's clock lead as the reservations of one state see it.
struct StateLead {
  const ClockLead* lead = &kNoClockLead;
  std::uint32_t state = 0;  // the state's index among the lead's records
};

// What one reservation asks for.
struct Request {
  std::uint64_t want = 1;  // IDs wanted, >= 1
  Share share = Share::kAll;
};

// The outcome of one attempt to reserve IDs.
struct Step {
  enum class Kind : std::uint8_t { kIssued, kWait, kFailed };
  Kind kind = Kind::kFailed;
  std::uint64_t first = 0;      // kIssued: state value of the first ID reserved
  std::uint64_t count = 0;      // kIssued: how many consecutive IDs, all in one millisecond
  std::uint64_t previous = 0;   // kIssued: the state value they follow (the last ID before)
  std::int64_t until_ms = 0;    // kWait, kAheadByLead: the clock reading (Unix ms) to wait for
  Error error = Error::kOk;     // kFailed: why
  std::uint64_t behind_ms = 0;  // how far the clock was behind the last ID
  // kIssued: the lead the IDs ran ahead of the clock under (0: on the clock); kWait,
  // kFailed: how much of behind_ms a lead explains (0: none).
  std::int64_t lead_ms = 0;
};

class Generator {
 public:
  Generator() = default;

  // A generator for the layout, epoch and node ids; an error when a node id does not fit.
  static Result<Generator> create(const Layout& layout, std::int64_t epoch_ms,
                                  std::uint64_t datacenter_id, std::uint64_t machine_id,
                                  ClockPolicy policy) noexcept;

  // Reserves up to `request.want` (>= 1) consecutive IDs, in one compare-and-swap on
  // `state`: as many as the millisecond has left, or the share of it the request allows.
  // IDs may run ahead of the clock by the lead in force (`lead`). `clock()` gives Unix ms;
  // it is read after the state is loaded, each attempt anew, so a caller that was
  // descheduled in between never takes IDs that others made meanwhile for the clock going
  // back.
  template <typename Clock>
  Step reserve_with_clock(State& state, StateLead lead, Clock&& clock,
                          Request request) const noexcept {
    std::uint64_t current = state.load(std::memory_order_acquire);
    while (true) {
      const Step step = decide(current, clock(), lead, request);
      if (step.kind != Step::Kind::kIssued) return step;
      // Sequentially consistent with the lead's change (ClockLead::set): either that sees
      // these IDs in the state, or note_ahead sees the change.
      if (state.compare_exchange_weak(current, step.first + step.count - 1,
                                      std::memory_order_seq_cst, std::memory_order_acquire)) {
        if (step.lead_ms != 0) {  // ahead of the clock: only under a lead
          lead.lead->note_ahead(lead.state, step.first + step.count - 1, step.lead_ms);
        }
        return step;
      }
    }
  }

  // reserve_with_clock() with no lead, as much as the millisecond has left (tools).
  template <typename Clock>
  Step reserve_with_clock(State& state, Clock&& clock, std::uint64_t want) const noexcept {
    return reserve_with_clock(state, StateLead{}, clock, Request{want, Share::kAll});
  }

  // reserve_with_clock() at a fixed clock reading `now_ms` (for tests and tools).
  Step reserve(State& state, StateLead lead, std::int64_t now_ms, Request request) const noexcept {
    return reserve_with_clock(
        state, lead, [now_ms] { return now_ms; }, request);
  }

  // reserve() with no lead, as much as the millisecond has left (for tests and tools).
  Step reserve(State& state, std::int64_t now_ms, std::uint64_t want) const noexcept {
    return reserve(state, StateLead{}, now_ms, Request{want, Share::kAll});
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
  Step decide(std::uint64_t current, std::int64_t now_ms, StateLead lead,
              Request request) const noexcept;

  // How many of the `room` IDs a millisecond (of `per_ms`) has left a request may take; 0
  // when it must wait for the next millisecond. `at_frontier`: the millisecond is the
  // latest the clock and the lead allow.
  static std::uint64_t share_of(std::uint64_t room, std::uint64_t per_ms, Request request,
                                bool at_frontier) noexcept;

  // The step when the next ID (of millisecond `first_ts`) lies further ahead of the clock
  // than the lead in force (`lead_ms`) allows: a wait, or a failure when the clock is too
  // far behind the last ID (`current`) for that.
  Step beyond_lead(std::uint64_t current, std::uint64_t first_ts, std::uint64_t now_ts,
                   std::int64_t now_ms, std::uint64_t lead_ms, StateLead lead) const noexcept;

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

inline std::uint64_t Generator::share_of(std::uint64_t room, std::uint64_t per_ms, Request request,
                                         bool at_frontier) noexcept {
  std::uint64_t count = request.want < room ? request.want : room;
  if (request.share == Share::kAll) return count;
  const std::uint64_t half = room - room / 2;
  if (count > half) count = half;
  if (request.share == Share::kShared && at_frontier) {
    const std::uint64_t theirs = per_ms / 4;
    if (room <= theirs) return 0;
    if (count > room - theirs) count = room - theirs;
  }
  return count;
}

inline Step Generator::decide(std::uint64_t current, std::int64_t now_ms, StateLead lead,
                              Request request) const noexcept {
  if (now_ms < epoch_ms_) return failed(Error::kEpochInFuture);
  const std::uint64_t now_ts = static_cast<std::uint64_t>(now_ms - epoch_ms_);
  const std::uint64_t max_ts = layout_.max_timestamp();
  if (now_ts > max_ts) return failed(Error::kTimestampOverflow);

  const std::uint64_t current_ts = current >> sequence_bits_;
  // A new millisecond starts its sequence at 0; otherwise go on after the last ID,
  // which carries into the next millisecond when the sequence is used up.
  const std::uint64_t first = now_ts > current_ts ? now_ts << sequence_bits_ : current + 1;
  const std::uint64_t first_ts = first >> sequence_bits_;
  if (first_ts > max_ts) return failed(Error::kTimestampOverflow);
  // An ID on the clock needs no lead: the shared lead is read only off that path (ahead
  // of the clock, or for a bulk request's share).
  std::uint64_t frontier = now_ts;  // the latest millisecond IDs may be taken from now
  std::uint64_t lead_ms = 0;
  if (first_ts > now_ts || request.share != Share::kAll) {
    lead_ms = static_cast<std::uint64_t>(lead.lead->in_force());
    frontier = now_ts + lead_ms;
    if (first_ts > frontier) return beyond_lead(current, first_ts, now_ts, now_ms, lead_ms, lead);
  }
  const std::uint64_t room = sequence_mask_ - (first & sequence_mask_) + 1;
  const std::uint64_t count = share_of(room, sequence_mask_ + 1, request, first_ts == frontier);
  Step step;
  if (count == 0) {  // the rest of this millisecond is the others' share
    step.kind = Step::Kind::kWait;
    step.until_ms = epoch_ms_ + static_cast<std::int64_t>(now_ts + 1);
    return step;
  }
  step.kind = Step::Kind::kIssued;
  step.first = first;
  step.count = count;
  step.previous = current;
  if (first_ts > now_ts) step.lead_ms = static_cast<std::int64_t>(lead_ms);
  return step;
}

inline Step Generator::beyond_lead(std::uint64_t current, std::uint64_t first_ts,
                                   std::uint64_t now_ts, std::int64_t now_ms, std::uint64_t lead_ms,
                                   StateLead lead) const noexcept {
  const std::uint64_t current_ts = current >> sequence_bits_;
  const std::uint64_t behind = current_ts > now_ts ? current_ts - now_ts : 0;
  const std::uint64_t tolerance = static_cast<std::uint64_t>(policy_.tolerance_ms);
  Step step;
  step.kind = Step::Kind::kWait;
  step.until_ms = epoch_ms_ + static_cast<std::int64_t>(first_ts - lead_ms);
  step.behind_ms = behind;
  step.lead_ms = static_cast<std::int64_t>(lead_ms);
  // Up to the lead in force, it is the generator's own lead, not the clock going back.
  if (behind <= lead_ms + tolerance) return step;
  // A lead that has since shrunk (the policy went back to wait) may have left IDs this far
  // ahead: that is no clock fault either. A short wait is waited out, a long one refused.
  const std::int64_t explained = lead.lead->explains(lead.state, current, now_ms);
  step.lead_ms = explained > 0 ? explained : 0;
  if (explained > 0 && behind <= static_cast<std::uint64_t>(explained) + tolerance) {
    if (behind <= lead_ms + static_cast<std::uint64_t>(kShortLeadWaitMs)) return step;
    step.kind = Step::Kind::kFailed;
    step.error = Error::kAheadByLead;
    return step;
  }
  step.kind = Step::Kind::kFailed;
  step.error = Error::kClockMovedBackwards;
  return step;
}

}  // namespace flakeid
