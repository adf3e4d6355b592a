// Composing an ID from its fields and taking it apart again, and the capacity of a layout.
#pragma once

#include <cstdint>

#include "core/error.hpp"
#include "core/layout.hpp"

namespace flakeid {

// The fields of one ID.
struct Fields {
  std::uint64_t timestamp = 0;  // milliseconds since the layout's epoch
  std::uint64_t datacenter = 0;
  std::uint64_t machine = 0;
  std::uint64_t sequence = 0;
};

// An ID taken apart under a layout and epoch.
struct Decoded {
  std::int64_t raw = 0;
  std::int64_t timestamp_ms = 0;  // milliseconds since the Unix epoch
  Fields fields;
};

// What a layout can hold.
struct Capacity {
  double years = 0;              // span of the timestamp field in Julian years
  std::uint64_t nodes = 0;       // 2^(D+M)
  std::uint64_t ids_per_ms = 0;  // 2^S per node
  std::uint64_t ids_per_sec = 0;
  std::int64_t last_ms = 0;        // Unix ms of the last timestamp the layout can hold
  bool last_ms_overflows = false;  // epoch + 2^T - 1 does not fit in 64 bits
  // Unix ms of the first millisecond in which an ID can be 2^53 or more: every ID made
  // before it is exact as a JavaScript number (Number.MAX_SAFE_INTEGER is 2^53 - 1).
  std::int64_t js_unsafe_ms = 0;
};

// 2^53: the first integer a JavaScript number (an IEEE double) may not hold exactly.
constexpr std::uint64_t kJsExactLimit = 1ULL << 53;

// Builds the ID of the given fields; kFieldValueRange when one does not fit its field.
Result<std::int64_t> encode(const Layout& layout, const Fields& fields) noexcept;

// Takes an ID apart; kIdNegative for a negative ID, kTimestampOutOfRange when the
// epoch plus the timestamp field does not fit in signed 64-bit milliseconds (the fields
// are still set then).
Result<Decoded> decode(const Layout& layout, std::int64_t epoch_ms, std::int64_t id) noexcept;

// The smallest ID a layout can hold in the Unix millisecond `unix_ms`: timestamp set,
// every other field 0. kTimeBeforeEpoch / kTimeAfterRange outside the layout's range.
Result<std::int64_t> first_id_in_ms(const Layout& layout, std::int64_t epoch_ms,
                                    std::int64_t unix_ms) noexcept;

// The largest ID a layout can hold in the Unix millisecond `unix_ms`: every node and
// sequence bit set. Errors as first_id_in_ms().
Result<std::int64_t> last_id_in_ms(const Layout& layout, std::int64_t epoch_ms,
                                   std::int64_t unix_ms) noexcept;

// The node that made an ID, its datacenter and machine fields as one number:
// datacenter << machine_bits | machine. kIdNegative for a negative ID.
Result<std::int64_t> node_of(const Layout& layout, std::int64_t id) noexcept;

// The length in milliseconds of a span of `months`, `days` (of 24 hours: IDs count UTC
// milliseconds) and `micros`: kSpanMonths when it has months, kSpanFraction when it is
// not a whole number of milliseconds, kSpanNotPositive when it is zero or negative.
Result<std::int64_t> span_ms(std::int32_t months, std::int32_t days, std::int64_t micros) noexcept;

// How many IDs a layout has in `ms` milliseconds: ms << (D+M+S), so that the IDs of a span
// starting at a millisecond's first ID end just before the first ID of the millisecond
// after it. kSpanNotPositive for ms <= 0, kSpanOverflow when the result exceeds a bigint
// (ms >= 2^T).
Result<std::int64_t> ids_in_span(const Layout& layout, std::int64_t ms) noexcept;

// The capacity of a layout with the given epoch.
Capacity capacity(const Layout& layout, std::int64_t epoch_ms) noexcept;

}  // namespace flakeid
