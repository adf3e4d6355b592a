// libFuzzer target: flakeid::parse_mark on any bytes, the mark file's text.
//
// Invariants, each a __builtin_trap() when broken:
//   - any input parses to one of the kinds, without reading past it;
//   - a text that parses as format 3 is exactly the text format_mark writes for its record;
//   - the text format_mark writes for a record taken from the input parses back to it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../unit/crc32c.hpp"
#include "core/mark_record.hpp"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

using flakeid::testing::crc32c;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const flakeid::MarkText read = flakeid::parse_mark(text, crc32c);
  char out[flakeid::kMarkTextLength];
  if (read.kind == flakeid::MarkText::Kind::kCurrent) {
    check(flakeid::format_mark(read.record, crc32c, out) == size);
    check(std::memcmp(out, data, size) == 0);
  }
  // A record made of the input's bytes round-trips.
  flakeid::MarkRecord record;
  std::uint8_t bytes[36] = {0};
  std::memcpy(bytes, data, size < sizeof(bytes) ? size : sizeof(bytes));
  std::memcpy(&record.mark_ms, bytes, 8);
  std::memcpy(&record.system, bytes + 8, 8);
  std::memcpy(&record.timeline, bytes + 16, 4);
  std::memcpy(&record.device, bytes + 20, 8);
  std::memcpy(&record.inode, bytes + 28, 8);
  if (record.mark_ms < 0) record.mark_ms = -(record.mark_ms + 1);
  const std::size_t length = flakeid::format_mark(record, crc32c, out);
  const flakeid::MarkText back = flakeid::parse_mark(std::string_view(out, length), crc32c);
  check(back.kind == flakeid::MarkText::Kind::kCurrent);
  check(back.record.mark_ms == record.mark_ms && back.record.system == record.system &&
        back.record.timeline == record.timeline && back.record.device == record.device &&
        back.record.inode == record.inode);
  return 0;
}
