// A layout: how the 63 usable bits of an ID are split between timestamp, datacenter,
// machine and sequence, the five named presets, and parsing of layout text.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/error.hpp"

namespace flakeid {

constexpr int kIdBits = 63;
constexpr int kMaxNodeOrSequenceBits = 31;  // node ids and sequences are SQL integers

struct Layout {
  int timestamp_bits = 53;
  int datacenter_bits = 0;
  int machine_bits = 0;
  int sequence_bits = 10;

  int machine_shift() const { return sequence_bits; }
  int datacenter_shift() const { return sequence_bits + machine_bits; }
  int timestamp_shift() const { return sequence_bits + machine_bits + datacenter_bits; }

  std::uint64_t max_timestamp() const { return mask(timestamp_bits); }
  std::uint64_t max_datacenter() const { return mask(datacenter_bits); }
  std::uint64_t max_machine() const { return mask(machine_bits); }
  std::uint64_t max_sequence() const { return mask(sequence_bits); }

  bool operator==(const Layout& other) const {
    return timestamp_bits == other.timestamp_bits && datacenter_bits == other.datacenter_bits &&
           machine_bits == other.machine_bits && sequence_bits == other.sequence_bits;
  }

  // All-ones value of a field `bits` wide.
  static std::uint64_t mask(int bits) { return bits >= 64 ? ~0ULL : (1ULL << bits) - 1; }
};

struct Preset {
  const char* name;
  Layout layout;
  const char* purpose;
};

inline constexpr std::array<Preset, 6> kPresets = {{
    {"twitter", {41, 5, 5, 12}, "classic Twitter / Discord layout"},
    {"minimal", {53, 0, 0, 10}, "one server, no node identity"},
    {"single_dc", {41, 0, 10, 12}, "one datacenter, many machines"},
    {"large_cluster", {41, 8, 8, 6}, "256 datacenters x 256 machines"},
    {"high_throughput", {41, 3, 3, 16}, "most IDs per ms, few nodes"},
    // 51 timestamp bits of which the first 69.7 years use 41: the IDs stay below 2^53.
    {"js_safe", {51, 0, 6, 6}, "IDs below 2^53 (exact in JavaScript) for 69.7 years"},
}};

inline constexpr std::string_view kDefaultLayoutName = "minimal";

// Checks four field widths against the rules: T >= 1, D, M, S in 0..31, sum 63.
Error validate_layout(int t, int d, int m, int s) noexcept;

// Parses a preset name (case-insensitive) or "T,D,M,S" (spaces allowed) into a layout.
Result<Layout> parse_layout(std::string_view text) noexcept;

// Name of the preset with exactly this layout, or nullptr when it is a custom one.
const char* preset_name(const Layout& layout) noexcept;

}  // namespace flakeid
