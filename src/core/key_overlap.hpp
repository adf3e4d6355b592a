// Whether two key spaces of one server can give the same ID. A key space is a layout and
// an epoch under the server's node ids; two of them that share no generator state (all but
// layouts of the same timestamp and sequence widths under one epoch: state_table.hpp) have
// nothing but their bits to keep their IDs apart. Equal IDs decode to the same time and node when
// the two have the same timestamp width and epoch and their node and sequence fields meet (twitter
// and large_cluster at node 0|0: both are ts << 22 | sequence); to times a fixed span apart under
// another epoch of the same width; and, under different widths, to times whose distances from the
// epochs differ by a power of two (far apart, but in range).
#pragma once

#include <cstdint>

#include "core/layout.hpp"

namespace flakeid {

// How two key spaces' IDs can coincide.
enum class Overlap : std::uint8_t {
  kNone,        // no ID of one is an ID of the other
  kSameTime,    // equal IDs are made in the same millisecond
  kApart,       // equal IDs are made `apart_ms` apart (the epochs' difference)
  kOtherTimes,  // equal IDs are made at times whose distance varies
};

struct KeyOverlap {
  Overlap kind = Overlap::kNone;
  std::int64_t apart_ms = 0;  // kApart: epoch_b - epoch_a (an ID of b made that much later)
};

// How IDs of layout `a` with epoch `epoch_a` and of `b` with `epoch_b`, both made under
// node ids `datacenter` and `machine`, can coincide. Layouts that share a state, and a
// layout the node ids do not fit (it makes no ID), give kNone.
KeyOverlap key_overlap(const Layout& a, std::int64_t epoch_a, const Layout& b, std::int64_t epoch_b,
                       std::uint64_t datacenter, std::uint64_t machine) noexcept;

}  // namespace flakeid
