// The mark file's text: format 4 round-trips, and every damage a file can come to (cut
// short, emptied, a character changed, more appended, a newer format) is told from a good
// text; the earlier formats still read.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "core/mark_record.hpp"
#include "crc32c.hpp"

namespace flakeid {
namespace {

using testing::crc32c;

const MarkRecord kRecord = {1795977847219, 7432109876543210987ull, 2, 0xFD01, 0x1A2B3C, 0xC0FFEE42};

// The text of kRecord.
std::string text_of(const MarkRecord& record) {
  char out[kMarkTextLength];
  const std::size_t length = format_mark(record, crc32c, out);
  return std::string(out, length);
}

// The checksum is CRC-32C: its check value for "123456789" is E3069283.
TEST(MarkRecordTest, ChecksumIsCrc32c) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
}

// Format 4 is 105 bytes: the mark first (where 1.1 reads it), the format, the identity
// with the restore label's checksum, the checksum of all before it.
TEST(MarkRecordTest, FormatsFixedWidthText) {
  const std::string text = text_of(kRecord);
  ASSERT_EQ(text.size(), kMarkTextLength);
  EXPECT_EQ(text.substr(0, 96),
            "00000001795977847219 4 07432109876543210987 00000002 000000000000FD01 "
            "00000000001A2B3C C0FFEE42 ");
  char sum[9];
  snprintf(sum, sizeof(sum), "%08X", crc32c(text.data(), 96));
  EXPECT_EQ(text.substr(96), std::string(sum) + "\n");
}

// What is written reads back as it was.
TEST(MarkRecordTest, RoundTrips) {
  for (const MarkRecord& record :
       {kRecord, MarkRecord{},
        MarkRecord{INT64_MAX, UINT64_MAX, UINT32_MAX, UINT64_MAX, 0, UINT32_MAX}}) {
    const MarkText read = parse_mark(text_of(record), crc32c);
    ASSERT_EQ(read.kind, MarkText::Kind::kCurrent);
    EXPECT_TRUE(read.has_identity);
    EXPECT_EQ(read.record.mark_ms, record.mark_ms);
    EXPECT_EQ(read.record.system, record.system);
    EXPECT_EQ(read.record.timeline, record.timeline);
    EXPECT_EQ(read.record.device, record.device);
    EXPECT_EQ(read.record.inode, record.inode);
    EXPECT_EQ(read.record.restore, record.restore);
  }
}

// Cut short anywhere, it is damaged; so is an empty file, and one with more after it.
TEST(MarkRecordTest, TruncatedOrLongerIsDamaged) {
  const std::string text = text_of(kRecord);
  EXPECT_EQ(parse_mark("", crc32c).damage, MarkDamage::kEmpty);
  for (std::size_t length = 1; length < text.size(); ++length) {
    const MarkText read = parse_mark(text.substr(0, length), crc32c);
    EXPECT_EQ(read.kind, MarkText::Kind::kDamaged) << "cut to " << length << " bytes";
  }
  EXPECT_EQ(parse_mark(text + "\n", crc32c).damage, MarkDamage::kLength);
  EXPECT_EQ(parse_mark(text + text, crc32c).damage, MarkDamage::kLength);
}

// Any one character changed, to any other, is damage (a flipped digit of the mark among
// them), never a good text of another record.
TEST(MarkRecordTest, AnyChangedCharacterIsDamaged) {
  const std::string text = text_of(kRecord);
  for (std::size_t at = 0; at < text.size(); ++at) {
    for (int c = 0; c < 256; ++c) {
      if (static_cast<char>(c) == text[at]) continue;
      std::string changed = text;
      changed[at] = static_cast<char>(c);
      const MarkText read = parse_mark(changed, crc32c);
      // A format digit above 4 reads as a newer format, 3 as format 3 of the wrong
      // length: refused all the same.
      const bool refused =
          read.kind == MarkText::Kind::kDamaged || read.kind == MarkText::Kind::kFuture;
      ASSERT_TRUE(refused) << "byte " << at << " changed to " << c;
    }
  }
  std::string flipped = text;
  flipped[19] = static_cast<char>(flipped[19] + 1);  // the mark's last digit, 9 -> :
  EXPECT_EQ(parse_mark(flipped, crc32c).damage, MarkDamage::kNoFormat);
  flipped[19] = '8';
  EXPECT_EQ(parse_mark(flipped, crc32c).damage, MarkDamage::kChecksum);
  flipped = text;
  flipped[30] = static_cast<char>(flipped[30] ^ 1);  // a digit of the system identifier
  EXPECT_EQ(parse_mark(flipped, crc32c).damage, MarkDamage::kChecksum);
}

// A newer format is recognised as such, whatever follows its number.
TEST(MarkRecordTest, NewerFormat) {
  std::string text = text_of(kRecord);
  text[21] = '5';
  EXPECT_EQ(parse_mark(text, crc32c).kind, MarkText::Kind::kFuture);
  EXPECT_EQ(parse_mark(text, crc32c).format, 5u);
  const MarkText read = parse_mark("00000001795977847219 17 a record of format 17\n", crc32c);
  EXPECT_EQ(read.kind, MarkText::Kind::kFuture);
  EXPECT_EQ(read.format, 17u);
  for (const char* other : {"00000001795977847219 2 an older format\n",
                            "00000001795977847219 03 x\n", "00000001795977847219 12345 x\n",
                            "00000001795977847219 4", "4 00000001795977847219 x\n", "hello\n"}) {
    EXPECT_EQ(parse_mark(other, crc32c).damage, MarkDamage::kNoFormat) << other;
  }
}

// flakeid 1.1's file (the mark alone) and the development format (no version, no
// checksum) still read, as legacy: there is no checksum to tell their damage by.
TEST(MarkRecordTest, LegacyFormats) {
  MarkText read = parse_mark("00000001795977847219\n", crc32c);
  EXPECT_EQ(read.kind, MarkText::Kind::kLegacy);
  EXPECT_FALSE(read.has_identity);
  EXPECT_EQ(read.record.mark_ms, 1795977847219);
  read = parse_mark(
      "00000001795977847219 07432109876543210987 00000002 000000000000FD01 00000000001A2B3C\n",
      crc32c);
  EXPECT_EQ(read.kind, MarkText::Kind::kLegacy);
  EXPECT_TRUE(read.has_identity);
  EXPECT_EQ(read.record.system, 7432109876543210987ull);
  EXPECT_EQ(read.record.inode, 0x1A2B3Cu);
  // flakeid 1.3's format 3: checked, with its identity, but no restore label: legacy.
  std::string three =
      "00000001795977847219 3 07432109876543210987 00000002 000000000000FD01 00000000001A2B3C ";
  char sum[9];
  snprintf(sum, sizeof(sum), "%08X", crc32c(three.data(), three.size()));
  three += std::string(sum) + "\n";
  read = parse_mark(three, crc32c);
  EXPECT_EQ(read.kind, MarkText::Kind::kLegacy);
  EXPECT_TRUE(read.has_identity);
  EXPECT_EQ(read.record.inode, 0x1A2B3Cu);
  EXPECT_EQ(read.record.restore, 0u);
  three[30] = static_cast<char>(three[30] ^ 1);
  EXPECT_EQ(parse_mark(three, crc32c).damage, MarkDamage::kChecksum);
  EXPECT_EQ(parse_mark(three.substr(0, 95), crc32c).damage, MarkDamage::kLength);
  // Cut short, they are no legacy text.
  EXPECT_EQ(parse_mark("0000000179597784721\n", crc32c).kind, MarkText::Kind::kDamaged);
  EXPECT_EQ(parse_mark("0000000179597784721", crc32c).kind, MarkText::Kind::kDamaged);
}

}  // namespace
}  // namespace flakeid
