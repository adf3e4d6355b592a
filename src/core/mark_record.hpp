// The text of the server's mark file: the server's mark and the identity of the
// server that wrote it, with a format version and a checksum, so that a file that is
// damaged (truncated, emptied, a digit changed) or written by a newer flakeid is told from
// a good one and never read as some other mark. The checksum function is passed in (the
// glue passes PostgreSQL's CRC-32C); the core reads no file.
//
// Format 4, 105 bytes, fixed width, upper-case hexadecimal:
//   <mark: 20 digits> 4 <system: 20 digits> <timeline: 8 hex> <device: 16 hex>
//     <inode: 16 hex> <restore: 8 hex> <checksum: 8 hex of the 96 bytes before it>\n
// The mark comes first, and every format keeps it there, followed by the format number: a
// library of flakeid 1.1, which reads the first 20 digits, still reads the mark right.
// Earlier formats, read but never written: flakeid 1.0 and 1.1 wrote the mark alone
// (20 digits and a newline); a development version wrote format 3's fields without the
// format number and the checksum; flakeid 1.3 wrote format 3, format 4 without the restore
// field (96 bytes, its checksum over the 87 bytes before it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flakeid {

// What the mark file records.
struct MarkRecord {
  std::int64_t mark_ms = 0;    // no ID of any database of the server is at or above it
  std::uint64_t system = 0;    // the server's system identifier
  std::uint32_t timeline = 0;  // the timeline it wrote WAL on
  std::uint64_t device = 0;    // the device and inode of its data directory
  std::uint64_t inode = 0;
  // Which start from a base backup the data directory had had when the file was written:
  // the CRC-32C of its backup_label.old, 0 when it had none (marks.cpp says why).
  std::uint32_t restore = 0;
};

// A checksum of `length` bytes at `data`.
using MarkChecksum = std::uint32_t (*)(const char* data, std::size_t length) noexcept;

// The format the file is written in, and the length of its text.
constexpr unsigned kMarkFormat = 4;
constexpr std::size_t kMarkTextLength = 105;

// What is wrong with a damaged mark file.
enum class MarkDamage : std::uint8_t {
  kNone,
  kEmpty,     // no bytes at all
  kNoFormat,  // it does not begin with a format number
  kLength,    // a format 3 or 4 text of the wrong length (cut short, or more after it)
  kField,     // a field that is not as the format has it
  kChecksum,  // the checksum does not match the text
};

// A mark file's text, read.
struct MarkText {
  enum class Kind : std::uint8_t {
    kCurrent,  // format 4, checksum good
    kLegacy,   // an earlier format: format 3 (checksum good, no restore field), or one
               // with no checksum to tell damage by
    kDamaged,  // fails the check
    kFuture,   // written by a newer flakeid (a format above kMarkFormat)
  };
  Kind kind = Kind::kDamaged;
  MarkRecord record;          // kCurrent and kLegacy (1.1's: the mark alone)
  bool has_identity = false;  // the record names the server that wrote it
  MarkDamage damage = MarkDamage::kNone;
  unsigned format = 0;  // kFuture: the format found
};

// Writes the format 4 text of `record` into `out`, which has room for kMarkTextLength
// bytes (no terminating NUL is written). Returns kMarkTextLength.
std::size_t format_mark(const MarkRecord& record, MarkChecksum checksum, char* out) noexcept;

// Reads a mark file's whole contents.
MarkText parse_mark(std::string_view text, MarkChecksum checksum) noexcept;

// Short stable name of a damage, for logs and tests ("checksum").
const char* mark_damage_name(MarkDamage damage) noexcept;

}  // namespace flakeid
