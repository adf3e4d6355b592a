// Seeing the other callers of a state from a bulk caller's reservations.
#include "core/fair_share.hpp"

namespace flakeid {

void FairShare::note(const Step& step, std::int64_t now_ms) noexcept {
  if (step.kind != Step::Kind::kIssued) return;
  if (last_ != 0 && step.previous != last_) seen_ms_ = now_ms;
  last_ = step.first + step.count - 1;
  last_ms_ = now_ms;
}

}  // namespace flakeid
