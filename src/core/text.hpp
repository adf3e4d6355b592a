// Small allocation-free helpers for reading setting text.
#pragma once

#include <cstdint>
#include <string_view>

namespace flakeid::text {

// The text without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text) noexcept;

// Lower-case ASCII equality of two strings.
bool iequals(std::string_view a, std::string_view b) noexcept;

// Parses an unsigned decimal integer that fills `text` exactly; false on anything else,
// including overflow past `max`.
bool parse_uint(std::string_view text, std::uint64_t max, std::uint64_t* out) noexcept;

}  // namespace flakeid::text
