// CRC-32C (Castagnoli), bit by bit: the checksum PostgreSQL's pg_crc32c computes, for the
// tests of the mark file's text (the unit tests and the fuzzer), which run without it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace flakeid::testing {

inline std::uint32_t crc32c(const char* data, std::size_t length) noexcept {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < length; ++i) {
    crc ^= static_cast<unsigned char>(data[i]);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

}  // namespace flakeid::testing
