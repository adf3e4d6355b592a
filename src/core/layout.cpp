// Layout validation, presets and parsing of layout text.
#include "core/layout.hpp"

#include "core/text.hpp"

namespace flakeid {

namespace {
constexpr std::uint64_t kWidthCap = 1000;  // wider than any valid field
}  // namespace

Error validate_layout(int t, int d, int m, int s) noexcept {
  if (t < 1 || t > kIdBits) return Error::kLayoutFieldRange;
  for (int bits : {d, m, s}) {
    if (bits < 0 || bits > kMaxNodeOrSequenceBits) return Error::kLayoutFieldRange;
  }
  if (t + d + m + s != kIdBits) return Error::kLayoutSum;
  return Error::kOk;
}

Result<Layout> parse_layout(std::string_view text) noexcept {
  text = text::trim(text);
  if (text.empty()) return {{}, Error::kLayoutSyntax};

  if (text.find(',') == std::string_view::npos) {
    for (const Preset& preset : kPresets) {
      if (text::iequals(text, preset.name)) return {preset.layout, Error::kOk};
    }
    const bool word = text.find_first_of("0123456789") == std::string_view::npos;
    return {{}, word ? Error::kLayoutUnknownPreset : Error::kLayoutSyntax};
  }

  int fields[4];
  int count = 0;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view part = text::trim(text.substr(0, comma));
    if (count == 4 || part.empty() || part.find_first_not_of("0123456789") != part.npos) {
      return {{}, Error::kLayoutSyntax};
    }
    // Digits only, so parsing fails only past the cap: any such width is out of range.
    std::uint64_t value = 0;
    if (!text::parse_uint(part, kWidthCap, &value)) value = kWidthCap;
    fields[count++] = static_cast<int>(value);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (count != 4) return {{}, Error::kLayoutSyntax};

  const Error error = validate_layout(fields[0], fields[1], fields[2], fields[3]);
  if (error != Error::kOk) return {{}, error};
  return {{fields[0], fields[1], fields[2], fields[3]}, Error::kOk};
}

const char* preset_name(const Layout& layout) noexcept {
  for (const Preset& preset : kPresets) {
    if (preset.layout == layout) return preset.name;
  }
  return nullptr;
}

}  // namespace flakeid
