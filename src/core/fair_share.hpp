// A bulk caller's fair share of its state: it sees other callers take IDs from the same
// state when the state has moved past its own last reservation by the time it makes the
// next one. While it has seen them lately, it asks for a shared millisecond (Share::
// kShared), leaving them a quarter of each millisecond the clock allows; otherwise half of
// what a millisecond has left at a time (Share::kHalf), which still lets a caller that
// comes later in that millisecond in, and so be seen. Kept by the caller, in its own
// memory: nothing is written to shared memory for it, and a single ID costs nothing more.
#pragma once

#include <cstdint>

#include "core/generator.hpp"

namespace flakeid {

class FairShare {
 public:
  // How long after others were last seen a bulk caller keeps leaving them their share.
  static constexpr std::int64_t kWindowMs = 10;

  // The share to ask for next.
  Share share() const noexcept {
    return last_ != 0 && last_ms_ - seen_ms_ < kWindowMs ? Share::kShared : Share::kHalf;
  }

  // Notes an issued step, made at clock reading `now_ms`.
  void note(const Step& step, std::int64_t now_ms) noexcept;

 private:
  std::uint64_t last_ = 0;    // the last state value this caller reserved (0: none yet)
  std::int64_t last_ms_ = 0;  // the clock when it did
  std::int64_t seen_ms_ = 0;  // the clock when others were last seen (0: never)
};

}  // namespace flakeid
