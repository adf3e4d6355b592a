// libFuzzer target: flakeid::encode and flakeid::decode under layouts, epochs, fields and
// IDs taken from the input bytes.
//
// Invariants, each a __builtin_trap() when broken:
//   - validate_layout() accepts exactly T >= 1, D, M, S in 0..31, T + D + M + S == 63;
//   - under a valid layout, fields that fit encode to a non-negative ID that decodes to
//     the same fields (and to epoch + timestamp, when that fits in 64 bits);
//   - encode refuses, with kFieldValueRange, exactly the fields that do not fit;
//   - any non-negative int64 decodes to fields that encode back to the same ID;
//   - decode refuses a negative ID with kIdNegative.
#include <cstddef>
#include <cstdint>
#include <limits>

#include "core/codec.hpp"
#include "core/epoch.hpp"
#include "core/layout.hpp"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// Hands out the input a piece at a time; zeros once it runs out.
struct Input {
  const std::uint8_t* data;
  std::size_t size;

  std::uint8_t byte() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
  std::uint64_t u64() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value = (value << 8) | byte();
    return value;
  }
};

bool same_fields(const flakeid::Fields& a, const flakeid::Fields& b) {
  return a.timestamp == b.timestamp && a.datacenter == b.datacenter && a.machine == b.machine &&
         a.sequence == b.sequence;
}

bool fits(const flakeid::Layout& layout, const flakeid::Fields& f) {
  return f.timestamp <= layout.max_timestamp() && f.datacenter <= layout.max_datacenter() &&
         f.machine <= layout.max_machine() && f.sequence <= layout.max_sequence();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using flakeid::Error;
  constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
  Input in{data, size};

  // validate_layout against the rules, on arbitrary (also negative) widths.
  {
    const int t = static_cast<std::int8_t>(in.byte());
    const int d = static_cast<std::int8_t>(in.byte());
    const int m = static_cast<std::int8_t>(in.byte());
    const int s = static_cast<std::int8_t>(in.byte());
    const bool valid = t >= 1 && d >= 0 && d <= 31 && m >= 0 && m <= 31 && s >= 0 && s <= 31 &&
                       t + d + m + s == 63;
    check((flakeid::validate_layout(t, d, m, s) == Error::kOk) == valid);
  }

  // A layout from D, M, S in 0..31 with T taking the rest; only valid ones go on.
  flakeid::Layout layout;
  layout.datacenter_bits = in.byte() % 32;
  layout.machine_bits = in.byte() % 32;
  layout.sequence_bits = in.byte() % 32;
  layout.timestamp_bits =
      flakeid::kIdBits - layout.datacenter_bits - layout.machine_bits - layout.sequence_bits;
  if (flakeid::validate_layout(layout.timestamp_bits, layout.datacenter_bits, layout.machine_bits,
                               layout.sequence_bits) != Error::kOk) {
    return 0;
  }
  const std::int64_t epoch_ms =
      static_cast<std::int64_t>(in.u64() % static_cast<std::uint64_t>(flakeid::kMaxEpochMs + 1));

  // Fields as given: encode refuses exactly those that do not fit.
  flakeid::Fields raw;
  raw.timestamp = in.u64();
  raw.datacenter = in.u64();
  raw.machine = in.u64();
  raw.sequence = in.u64();
  const flakeid::Result<std::int64_t> raw_id = flakeid::encode(layout, raw);
  check(raw_id.ok() == fits(layout, raw));
  if (!raw_id.ok()) check(raw_id.error == Error::kFieldValueRange);

  // Fields cut to their widths: encode, decode, compare.
  flakeid::Fields fields;
  fields.timestamp = raw.timestamp & layout.max_timestamp();
  fields.datacenter = raw.datacenter & layout.max_datacenter();
  fields.machine = raw.machine & layout.max_machine();
  fields.sequence = raw.sequence & layout.max_sequence();
  const flakeid::Result<std::int64_t> id = flakeid::encode(layout, fields);
  check(id.ok() && id.value >= 0);
  const bool in_range = fields.timestamp <= static_cast<std::uint64_t>(kInt64Max - epoch_ms);
  const flakeid::Result<flakeid::Decoded> decoded = flakeid::decode(layout, epoch_ms, id.value);
  if (in_range) {
    check(decoded.ok() && decoded.value.raw == id.value &&
          same_fields(decoded.value.fields, fields) &&
          decoded.value.timestamp_ms == epoch_ms + static_cast<std::int64_t>(fields.timestamp));
  } else {
    check(decoded.error == Error::kTimestampOutOfRange);
  }
  // Epoch 0 always fits: the fields come back whatever the epoch above.
  const flakeid::Result<flakeid::Decoded> at_zero = flakeid::decode(layout, 0, id.value);
  check(at_zero.ok() && same_fields(at_zero.value.fields, fields));

  // Any non-negative int64 decodes to fields that encode back to it.
  const std::uint64_t any = in.u64();
  const std::int64_t any_id =
      static_cast<std::int64_t>(any & static_cast<std::uint64_t>(kInt64Max));
  const flakeid::Result<flakeid::Decoded> taken = flakeid::decode(layout, 0, any_id);
  check(taken.ok() && taken.value.raw == any_id);
  const flakeid::Result<std::int64_t> rebuilt = flakeid::encode(layout, taken.value.fields);
  check(rebuilt.ok() && rebuilt.value == any_id);

  // The sign bit set: refused.
  const std::int64_t negative = static_cast<std::int64_t>(any | (1ULL << 63));
  check(flakeid::decode(layout, epoch_ms, negative).error == Error::kIdNegative);
  return 0;
}
