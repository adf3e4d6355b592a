// Composing and taking apart IDs, and the capacity of a layout.
#include "core/codec.hpp"

#include <limits>

namespace flakeid {

namespace {
constexpr double kMsPerJulianYear = 365.25 * 86400000.0;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMsPerDay = 86400000;
}  // namespace

Result<std::int64_t> encode(const Layout& layout, const Fields& f) noexcept {
  if (f.timestamp > layout.max_timestamp() || f.datacenter > layout.max_datacenter() ||
      f.machine > layout.max_machine() || f.sequence > layout.max_sequence()) {
    return {0, Error::kFieldValueRange};
  }
  // Shifting by 63 when a field takes every bit is still below 64, so always defined.
  const std::uint64_t id = (f.timestamp << layout.timestamp_shift()) |
                           (f.datacenter << layout.datacenter_shift()) |
                           (f.machine << layout.machine_shift()) | f.sequence;
  return {static_cast<std::int64_t>(id), Error::kOk};
}

Result<Decoded> decode(const Layout& layout, std::int64_t epoch_ms, std::int64_t id) noexcept {
  if (id < 0) return {{}, Error::kIdNegative};
  const std::uint64_t bits = static_cast<std::uint64_t>(id);
  Decoded d;
  d.raw = id;
  d.fields.timestamp = (bits >> layout.timestamp_shift()) & layout.max_timestamp();
  d.fields.datacenter = (bits >> layout.datacenter_shift()) & layout.max_datacenter();
  d.fields.machine = (bits >> layout.machine_shift()) & layout.max_machine();
  d.fields.sequence = bits & layout.max_sequence();
  // The timestamp field is below 2^63, so the sum overflows only past this bound (and
  // never with an epoch <= 0, for which the bound itself would overflow).
  if (epoch_ms > 0 && static_cast<std::int64_t>(d.fields.timestamp) > kInt64Max - epoch_ms) {
    return {d, Error::kTimestampOutOfRange};  // fields set, timestamp_ms not
  }
  d.timestamp_ms = epoch_ms + static_cast<std::int64_t>(d.fields.timestamp);
  return {d, Error::kOk};
}

namespace {

// The timestamp field of Unix millisecond `unix_ms`, or why it has none.
Result<std::uint64_t> timestamp_field_at(const Layout& layout, std::int64_t epoch_ms,
                                         std::int64_t unix_ms) {
  if (unix_ms < epoch_ms) return {0, Error::kTimeBeforeEpoch};
  // Both are in [0, 2^63), so the difference cannot overflow.
  const std::uint64_t field =
      static_cast<std::uint64_t>(unix_ms) - static_cast<std::uint64_t>(epoch_ms);
  if (field > layout.max_timestamp()) return {0, Error::kTimeAfterRange};
  return {field, Error::kOk};
}

}  // namespace

Result<std::int64_t> first_id_in_ms(const Layout& layout, std::int64_t epoch_ms,
                                    std::int64_t unix_ms) noexcept {
  const Result<std::uint64_t> field = timestamp_field_at(layout, epoch_ms, unix_ms);
  if (!field.ok()) return {0, field.error};
  return encode(layout, Fields{field.value, 0, 0, 0});
}

Result<std::int64_t> last_id_in_ms(const Layout& layout, std::int64_t epoch_ms,
                                   std::int64_t unix_ms) noexcept {
  const Result<std::uint64_t> field = timestamp_field_at(layout, epoch_ms, unix_ms);
  if (!field.ok()) return {0, field.error};
  return encode(layout, Fields{field.value, layout.max_datacenter(), layout.max_machine(),
                               layout.max_sequence()});
}

Result<std::int64_t> node_of(const Layout& layout, std::int64_t id) noexcept {
  if (id < 0) return {0, Error::kIdNegative};
  const std::uint64_t bits = static_cast<std::uint64_t>(id);
  const std::uint64_t datacenter = (bits >> layout.datacenter_shift()) & layout.max_datacenter();
  const std::uint64_t machine = (bits >> layout.machine_shift()) & layout.max_machine();
  // D + M <= 62, so the node fits in 62 bits.
  return {static_cast<std::int64_t>((datacenter << layout.machine_bits) | machine), Error::kOk};
}

Result<std::int64_t> span_ms(std::int32_t months, std::int32_t days, std::int64_t micros) noexcept {
  if (months != 0) return {0, Error::kSpanMonths};
  if (micros % 1000 != 0) return {0, Error::kSpanFraction};
  // |days| * 86,400,000 < 2^48 and |micros / 1000| < 2^54: the sum cannot overflow.
  const std::int64_t ms = static_cast<std::int64_t>(days) * kMsPerDay + micros / 1000;
  if (ms <= 0) return {0, Error::kSpanNotPositive};
  return {ms, Error::kOk};
}

Result<std::int64_t> ids_in_span(const Layout& layout, std::int64_t ms) noexcept {
  if (ms <= 0) return {0, Error::kSpanNotPositive};
  // ms << shift stays below 2^63 exactly when ms < 2^T, i.e. ms <= the last timestamp.
  if (static_cast<std::uint64_t>(ms) > layout.max_timestamp()) return {0, Error::kSpanOverflow};
  return {static_cast<std::int64_t>(static_cast<std::uint64_t>(ms) << layout.timestamp_shift()),
          Error::kOk};
}

Capacity capacity(const Layout& layout, std::int64_t epoch_ms) noexcept {
  Capacity c;
  const std::uint64_t span = layout.max_timestamp();  // 2^T - 1, the last timestamp
  c.years = (static_cast<double>(span) + 1.0) / kMsPerJulianYear;
  c.nodes = 1ULL << (layout.datacenter_bits + layout.machine_bits);
  c.ids_per_ms = 1ULL << layout.sequence_bits;
  c.ids_per_sec = c.ids_per_ms * 1000;
  if (epoch_ms > 0 && span > static_cast<std::uint64_t>(kInt64Max - epoch_ms)) {
    c.last_ms = kInt64Max;
    c.last_ms_overflows = true;
  } else {
    c.last_ms = epoch_ms + static_cast<std::int64_t>(span);
  }
  // The IDs of millisecond t run up to ((t + 1) << shift) - 1, so t's IDs stay below 2^53
  // while t < 2^(53 - shift); with a shift above 53 the IDs of the epoch's own millisecond
  // can reach it. Every layout crosses before its end, as T + shift = 63 > 53; the sum
  // is kept within 64 bits.
  const int shift = layout.timestamp_shift();
  const std::int64_t first_unsafe = shift <= 53 ? std::int64_t{1} << (53 - shift) : 0;
  c.js_unsafe_ms = epoch_ms > kInt64Max - first_unsafe ? kInt64Max : epoch_ms + first_unsafe;
  return c;
}

}  // namespace flakeid
