// libFuzzer target: arbitrary bytes as layout text for flakeid::parse_layout.
//
// Invariants, each a __builtin_trap() when broken:
//   - a layout that parses OK passes validate_layout() and its four widths sum to 63;
//   - formatted back as "T,D,M,S" it parses OK to the same layout;
//   - a failure is one of the layout errors, never another code;
//   - a preset name (any case, surrounding whitespace) gives exactly that preset.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "core/layout.hpp"
#include "core/text.hpp"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using flakeid::Error;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const flakeid::Result<flakeid::Layout> parsed = flakeid::parse_layout(text);

  // A preset name parses to that preset and nothing else.
  const std::string_view trimmed = flakeid::text::trim(text);
  for (const flakeid::Preset& preset : flakeid::kPresets) {
    if (flakeid::text::iequals(trimmed, preset.name)) {
      check(parsed.ok() && parsed.value == preset.layout);
    }
  }

  if (!parsed.ok()) {
    check(parsed.error == Error::kLayoutSyntax || parsed.error == Error::kLayoutUnknownPreset ||
          parsed.error == Error::kLayoutFieldRange || parsed.error == Error::kLayoutSum);
    return 0;
  }

  const flakeid::Layout& layout = parsed.value;
  check(flakeid::validate_layout(layout.timestamp_bits, layout.datacenter_bits, layout.machine_bits,
                                 layout.sequence_bits) == Error::kOk);
  check(layout.timestamp_bits + layout.datacenter_bits + layout.machine_bits +
            layout.sequence_bits ==
        flakeid::kIdBits);

  // Round trip through the "T,D,M,S" form.
  char buffer[64];
  const int length =
      std::snprintf(buffer, sizeof buffer, "%d,%d,%d,%d", layout.timestamp_bits,
                    layout.datacenter_bits, layout.machine_bits, layout.sequence_bits);
  check(length > 0 && static_cast<std::size_t>(length) < sizeof buffer);
  const flakeid::Result<flakeid::Layout> again =
      flakeid::parse_layout(std::string_view(buffer, static_cast<std::size_t>(length)));
  check(again.ok() && again.value == layout);
  return 0;
}
