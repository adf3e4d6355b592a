// Whether two key spaces of one server can give the same ID.
#include "core/key_overlap.hpp"

#include "core/state_table.hpp"

namespace flakeid {

namespace {

// The bits below the timestamp that a layout's IDs can carry under the node ids: the
// interval [first, first + 2^S).
struct LowBits {
  std::uint64_t first;
  std::uint64_t count;
};

LowBits low_bits(const Layout& layout, std::uint64_t datacenter, std::uint64_t machine) {
  return {datacenter << layout.datacenter_shift() | machine << layout.machine_shift(),
          1ULL << layout.sequence_bits};
}

// Whether [a, a + a_count) and [b, b + b_count) meet.
bool meet(std::uint64_t a, std::uint64_t a_count, std::uint64_t b, std::uint64_t b_count) {
  return a < b + b_count && b < a + a_count;
}

// Whether some value of `wide` (the low bits of the layout with more of them) has its
// lowest `narrow_width` bits in `narrow`.
bool low_bits_meet(const LowBits& narrow, int narrow_width, const LowBits& wide) {
  const std::uint64_t modulus = 1ULL << narrow_width;
  if (wide.count >= modulus) return true;  // every pattern of the narrow bits
  const std::uint64_t start = wide.first & (modulus - 1);
  const std::uint64_t end = start + wide.count;  // may pass the modulus: wraps once
  if (meet(narrow.first, narrow.count, start, wide.count)) return true;
  return end > modulus && meet(narrow.first, narrow.count, 0, end - modulus);
}

}  // namespace

KeyOverlap key_overlap(const Layout& a, std::int64_t epoch_a, const Layout& b, std::int64_t epoch_b,
                       std::uint64_t datacenter, std::uint64_t machine) noexcept {
  KeyOverlap result;
  // One state word: no two of its IDs have the same timestamp and sequence.
  if (epoch_a == epoch_b && StateTable::shares_state(a, b)) return result;
  for (const Layout* layout : {&a, &b}) {
    if (datacenter > layout->max_datacenter() || machine > layout->max_machine()) return result;
  }
  const LowBits low_a = low_bits(a, datacenter, machine);
  const LowBits low_b = low_bits(b, datacenter, machine);
  const int width_a = a.timestamp_shift();
  const int width_b = b.timestamp_shift();
  if (width_a == width_b) {
    // ts << width | low: equal IDs have equal timestamps and equal low bits.
    if (!meet(low_a.first, low_a.count, low_b.first, low_b.count)) return result;
    result.kind = epoch_a == epoch_b ? Overlap::kSameTime : Overlap::kApart;
    result.apart_ms = epoch_b - epoch_a;
    return result;
  }
  // The wider layout's low bits hold the narrower one's low bits and part of its
  // timestamp: equal IDs need only the narrower bits to meet.
  const bool possible = width_a < width_b ? low_bits_meet(low_a, width_a, low_b)
                                          : low_bits_meet(low_b, width_b, low_a);
  if (possible) result.kind = Overlap::kOtherTimes;
  return result;
}

}  // namespace flakeid
