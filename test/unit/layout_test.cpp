// Layouts: where each preset puts its fields, parsing of preset names and "T,D,M,S", and
// the error code of every kind of bad layout text.
#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

#include "core/layout.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

// Where each field of a layout sits in an ID, as the bits it occupies (worked out by hand).
struct FieldMasks {
  std::uint64_t timestamp;
  std::uint64_t datacenter;
  std::uint64_t machine;
  std::uint64_t sequence;
};

// The layout that `text` names; the test fails when it names none.
Layout parsed(std::string_view text) {
  const Result<Layout> result = parse_layout(text);
  EXPECT_EQ(result.error, Error::kOk) << "layout text: '" << text << "'";
  return result.value;
}

// Checks the widths, shifts and the bits each field occupies in an ID.
void expect_layout(const Layout& layout, int t, int d, int m, int s, const FieldMasks& bits) {
  EXPECT_EQ(layout.timestamp_bits, t);
  EXPECT_EQ(layout.datacenter_bits, d);
  EXPECT_EQ(layout.machine_bits, m);
  EXPECT_EQ(layout.sequence_bits, s);
  EXPECT_EQ(layout.max_timestamp() << layout.timestamp_shift(), bits.timestamp);
  EXPECT_EQ(layout.max_datacenter() << layout.datacenter_shift(), bits.datacenter);
  EXPECT_EQ(layout.max_machine() << layout.machine_shift(), bits.machine);
  EXPECT_EQ(layout.max_sequence(), bits.sequence);
}

// The error code parse_layout gives for `text`.
Error layout_error(std::string_view text) {
  return parse_layout(text).error;
}

// twitter: timestamp from bit 22, datacenter bits 21-17, machine 16-12, sequence 11-0.
TEST(LayoutTest, TwitterBitPositions) {
  const Layout layout = parsed("twitter");
  EXPECT_EQ(layout.timestamp_shift(), 22);
  EXPECT_EQ(layout.datacenter_shift(), 17);
  EXPECT_EQ(layout.machine_shift(), 12);
  // 2^41-1 << 22; 31 << 17 = 0x3E0000; 31 << 12 = 0x1F000; 2^12-1 = 0xFFF.
  expect_layout(layout, 41, 5, 5, 12, {0x7FFFFFFFFFC00000ULL, 0x3E0000ULL, 0x1F000ULL, 0xFFFULL});
}

// minimal: timestamp from bit 10, no node bits, sequence 9-0.
TEST(LayoutTest, MinimalBitPositions) {
  const Layout layout = parsed("minimal");
  EXPECT_EQ(layout.timestamp_shift(), 10);
  // 2^53-1 << 10 = 0x7FFFFFFFFFFFFC00; 2^10-1 = 0x3FF.
  expect_layout(layout, 53, 0, 0, 10, {0x7FFFFFFFFFFFFC00ULL, 0, 0, 0x3FFULL});
}

// single_dc: timestamp from bit 22, machine bits 21-12, sequence 11-0.
TEST(LayoutTest, SingleDcBitPositions) {
  const Layout layout = parsed("single_dc");
  EXPECT_EQ(layout.timestamp_shift(), 22);
  EXPECT_EQ(layout.machine_shift(), 12);
  // 1023 << 12 = 0x3FF000.
  expect_layout(layout, 41, 0, 10, 12, {0x7FFFFFFFFFC00000ULL, 0, 0x3FF000ULL, 0xFFFULL});
}

// large_cluster: timestamp from bit 22, datacenter bits 21-14, machine 13-6, sequence 5-0.
TEST(LayoutTest, LargeClusterBitPositions) {
  const Layout layout = parsed("large_cluster");
  EXPECT_EQ(layout.timestamp_shift(), 22);
  EXPECT_EQ(layout.datacenter_shift(), 14);
  EXPECT_EQ(layout.machine_shift(), 6);
  // 255 << 14 = 0x3FC000; 255 << 6 = 0x3FC0; 63 = 0x3F.
  expect_layout(layout, 41, 8, 8, 6, {0x7FFFFFFFFFC00000ULL, 0x3FC000ULL, 0x3FC0ULL, 0x3FULL});
}

// high_throughput: timestamp from bit 22, datacenter 21-19, machine 18-16, sequence 15-0.
TEST(LayoutTest, HighThroughputBitPositions) {
  const Layout layout = parsed("high_throughput");
  EXPECT_EQ(layout.timestamp_shift(), 22);
  EXPECT_EQ(layout.datacenter_shift(), 19);
  EXPECT_EQ(layout.machine_shift(), 16);
  // 7 << 19 = 0x380000; 7 << 16 = 0x70000; 2^16-1 = 0xFFFF.
  expect_layout(layout, 41, 3, 3, 16, {0x7FFFFFFFFFC00000ULL, 0x380000ULL, 0x70000ULL, 0xFFFFULL});
}

// Every preset's fields tile bits 62..0 exactly: no overlap, no gap, sign bit unused.
TEST(LayoutTest, PresetFieldsCoverTheLow63BitsWithoutOverlap) {
  for (const Preset& preset : kPresets) {
    SCOPED_TRACE(preset.name);
    const Layout& l = preset.layout;
    const std::uint64_t fields[] = {l.max_timestamp() << l.timestamp_shift(),
                                    l.max_datacenter() << l.datacenter_shift(),
                                    l.max_machine() << l.machine_shift(), l.max_sequence()};
    std::uint64_t all = 0;
    for (std::uint64_t field : fields) {
      EXPECT_EQ(all & field, 0u);
      all |= field;
    }
    EXPECT_EQ(all, 0x7FFFFFFFFFFFFFFFULL);
  }
}

// The preset table holds the five presets of the design and js_safe (issue 24), and
// minimal is the default.
TEST(LayoutTest, PresetTableMatchesDesign) {
  ASSERT_EQ(kPresets.size(), 6u);
  EXPECT_STREQ(kPresets[0].name, "twitter");
  EXPECT_STREQ(kPresets[1].name, "minimal");
  EXPECT_STREQ(kPresets[2].name, "single_dc");
  EXPECT_STREQ(kPresets[3].name, "large_cluster");
  EXPECT_STREQ(kPresets[4].name, "high_throughput");
  EXPECT_STREQ(kPresets[5].name, "js_safe");
  EXPECT_TRUE(kPresets[5].layout == (Layout{51, 0, 6, 6}));
  EXPECT_EQ(kDefaultLayoutName, "minimal");
  EXPECT_TRUE(Layout{} == parsed(kDefaultLayoutName));
}

// Preset names are matched case-insensitively and with surrounding whitespace trimmed.
TEST(LayoutTest, PresetNamesAreCaseInsensitive) {
  EXPECT_TRUE(parsed("TWITTER") == (Layout{41, 5, 5, 12}));
  EXPECT_TRUE(parsed(" Minimal ") == (Layout{53, 0, 0, 10}));
  EXPECT_TRUE(parsed("Single_DC") == (Layout{41, 0, 10, 12}));
  EXPECT_TRUE(parsed("\tLarge_Cluster\n") == (Layout{41, 8, 8, 6}));
  EXPECT_TRUE(parsed("HIGH_throughput") == (Layout{41, 3, 3, 16}));
}

// Four integers T,D,M,S are a layout, with spaces allowed around each.
TEST(LayoutTest, CustomLayoutText) {
  EXPECT_TRUE(parsed("41,8,8,6") == (Layout{41, 8, 8, 6}));
  EXPECT_TRUE(parsed("41, 8 ,8, 6") == (Layout{41, 8, 8, 6}));
  EXPECT_TRUE(parsed("  40,6,5,12  ") == (Layout{40, 6, 5, 12}));
  EXPECT_TRUE(parsed("63,0,0,0") == (Layout{63, 0, 0, 0}));    // T may take every bit
  EXPECT_TRUE(parsed("1,31,0,31") == (Layout{1, 31, 0, 31}));  // T at its minimum
  EXPECT_TRUE(parsed("32,0,0,31") == (Layout{32, 0, 0, 31}));  // S at its maximum
}

// preset_name names a layout equal to a preset however it was written, else nullptr.
TEST(LayoutTest, PresetNameOfLayout) {
  EXPECT_STREQ(preset_name(parsed("41,5,5,12")), "twitter");
  EXPECT_STREQ(preset_name(parsed("41,8,8,6")), "large_cluster");
  EXPECT_EQ(preset_name(parsed("40,6,5,12")), nullptr);
}

// Empty or blank text is a syntax error.
TEST(LayoutTest, EmptyTextIsSyntaxError) {
  EXPECT_EQ(layout_error(""), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("   "), Error::kLayoutSyntax);
}

// A single word that names no preset is an unknown preset; a word with digits is syntax.
TEST(LayoutTest, UnknownWordIsUnknownPreset) {
  EXPECT_EQ(layout_error("snowflake"), Error::kLayoutUnknownPreset);
  EXPECT_EQ(layout_error("twitter_"), Error::kLayoutUnknownPreset);
  EXPECT_EQ(layout_error("twitter2"), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("41;5;5;12"), Error::kLayoutSyntax);
}

// Anything other than exactly four fields is a syntax error.
TEST(LayoutTest, WrongFieldCountIsSyntaxError) {
  EXPECT_EQ(layout_error("41,5,5"), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("41,5,5,12,0"), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("41,5,5,12,"), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("41,,5,12"), Error::kLayoutSyntax);
}

// Fields that are not unsigned decimal integers are a syntax error.
TEST(LayoutTest, NonNumericFieldsAreSyntaxError) {
  EXPECT_EQ(layout_error("-1,22,21,21"), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("a,b,c,d"), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("+41,5,5,12"), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("4 1,5,5,12"), Error::kLayoutSyntax);
  EXPECT_EQ(layout_error("twitter,5,5,12"), Error::kLayoutSyntax);
}

// Widths that do not add up to 63 are a sum error.
TEST(LayoutTest, WidthsNotSummingTo63AreSumError) {
  EXPECT_EQ(layout_error("41,5,5,13"), Error::kLayoutSum);  // 64
  EXPECT_EQ(layout_error("40,5,5,12"), Error::kLayoutSum);  // 62
}

// T below 1, or D, M, S above 31, is a field range error even when the sum is 63.
TEST(LayoutTest, FieldOutOfBoundsIsFieldRangeError) {
  EXPECT_EQ(layout_error("0,21,21,21"), Error::kLayoutFieldRange);  // T = 0
  EXPECT_EQ(layout_error("1,32,15,15"), Error::kLayoutFieldRange);  // D = 32
  EXPECT_EQ(layout_error("1,15,32,15"), Error::kLayoutFieldRange);  // M = 32
  EXPECT_EQ(layout_error("1,15,15,32"), Error::kLayoutFieldRange);  // S = 32
  EXPECT_EQ(layout_error("64,0,0,0"), Error::kLayoutFieldRange);    // T = 64
}

// A width too large for any integer type is a field range error, not a wrap-around.
TEST(LayoutTest, HugeWidthIsFieldRangeError) {
  EXPECT_EQ(layout_error("99999999999999999999,0,0,0"), Error::kLayoutFieldRange);
  EXPECT_EQ(layout_error("41,5,5,4294967308"), Error::kLayoutFieldRange);  // 2^32 + 12
}

// validate_layout applies the same rules to widths given as integers.
TEST(LayoutTest, ValidateLayoutRules) {
  EXPECT_EQ(validate_layout(41, 5, 5, 12), Error::kOk);
  EXPECT_EQ(validate_layout(63, 0, 0, 0), Error::kOk);
  EXPECT_EQ(validate_layout(0, 21, 21, 21), Error::kLayoutFieldRange);
  EXPECT_EQ(validate_layout(64, 0, 0, -1), Error::kLayoutFieldRange);
  EXPECT_EQ(validate_layout(41, -1, 11, 12), Error::kLayoutFieldRange);
  EXPECT_EQ(validate_layout(41, 5, 5, 11), Error::kLayoutSum);
}

}  // namespace
}  // namespace flakeid
