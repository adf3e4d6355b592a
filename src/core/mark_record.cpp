// Writing and checking the text of the server's mark file.
#include "core/mark_record.hpp"

namespace flakeid {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr std::size_t kChecksummed = kMarkTextLength - 9;  // all before the checksum field
constexpr std::size_t kLegacy11Length = 21;                // "%020lld\n"
constexpr std::size_t kLegacyIdentityLength = 85;          // format 3 without version, sum
constexpr std::size_t kFormat3Length = 96;                 // format 4 without the restore
constexpr std::size_t kIdentityAt = 23;                    // after "<mark> <format> "
constexpr std::size_t kMaxFormatDigits = 4;

// Writes `value` as `width` decimal digits, zero-padded, ending before `end`.
void put_decimal(std::uint64_t value, std::size_t width, char* end) {
  for (std::size_t i = 0; i < width; ++i, value /= 10) *--end = static_cast<char>('0' + value % 10);
}

// Writes `value` as `width` upper-case hexadecimal digits, ending before `end`.
void put_hex(std::uint64_t value, std::size_t width, char* end) {
  for (std::size_t i = 0; i < width; ++i, value >>= 4) *--end = kHex[value & 0xF];
}

// Reads `width` decimal digits at `at`; false unless they all are.
bool get_decimal(std::string_view text, std::size_t at, std::size_t width, std::uint64_t* out) {
  std::uint64_t value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *out = value;
  return true;
}

// Reads `width` upper-case hexadecimal digits at `at`; false unless they all are.
bool get_hex(std::string_view text, std::size_t at, std::size_t width, std::uint64_t* out) {
  std::uint64_t value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    const char c = text[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return false;
    value = (value << 4) | static_cast<std::uint64_t>(digit);
  }
  *out = value;
  return true;
}

// Reads the identity fields that begin at `at`: system, timeline, device and inode, each
// followed by a space, the inode by `last`.
bool get_identity(std::string_view text, std::size_t at, char last, MarkRecord* record) {
  std::uint64_t timeline = 0;
  const bool ok = get_decimal(text, at, 20, &record->system) && text[at + 20] == ' ' &&
                  get_hex(text, at + 21, 8, &timeline) && text[at + 29] == ' ' &&
                  get_hex(text, at + 30, 16, &record->device) && text[at + 46] == ' ' &&
                  get_hex(text, at + 47, 16, &record->inode) && text[at + 63] == last;
  record->timeline = static_cast<std::uint32_t>(timeline);
  return ok;
}

// Reads the mark, 20 digits at the start of every format.
bool get_mark(std::string_view text, MarkRecord* record) {
  std::uint64_t mark = 0;
  if (text.size() < 20 || !get_decimal(text, 0, 20, &mark) ||
      mark > static_cast<std::uint64_t>(INT64_MAX)) {
    return false;
  }
  record->mark_ms = static_cast<std::int64_t>(mark);
  return true;
}

// A damaged result.
MarkText damaged(MarkDamage damage) {
  MarkText text;
  text.kind = MarkText::Kind::kDamaged;
  text.damage = damage;
  return text;
}

// A legacy text: flakeid 1.1's mark alone, or format 3's fields without format and sum.
bool parse_legacy(std::string_view text, MarkText* out) {
  if (text.size() == kLegacy11Length && text.back() == '\n' && get_mark(text, &out->record)) {
    out->kind = MarkText::Kind::kLegacy;
    return true;
  }
  if (text.size() == kLegacyIdentityLength && get_mark(text, &out->record) && text[20] == ' ' &&
      get_identity(text, 21, '\n', &out->record)) {
    out->kind = MarkText::Kind::kLegacy;
    out->has_identity = true;
    return true;
  }
  return false;
}

}  // namespace

std::size_t format_mark(const MarkRecord& record, MarkChecksum checksum, char* out) noexcept {
  char* at = out;
  put_decimal(static_cast<std::uint64_t>(record.mark_ms), 20, at += 20);
  *at++ = ' ';
  *at++ = static_cast<char>('0' + kMarkFormat);
  *at++ = ' ';
  put_decimal(record.system, 20, at += 20);
  *at++ = ' ';
  put_hex(record.timeline, 8, at += 8);
  *at++ = ' ';
  put_hex(record.device, 16, at += 16);
  *at++ = ' ';
  put_hex(record.inode, 16, at += 16);
  *at++ = ' ';
  put_hex(record.restore, 8, at += 8);
  *at++ = ' ';
  put_hex(checksum(out, kChecksummed), 8, at += 8);
  *at++ = '\n';
  return static_cast<std::size_t>(at - out);
}

MarkText parse_mark(std::string_view text, MarkChecksum checksum) noexcept {
  if (text.empty()) return damaged(MarkDamage::kEmpty);
  MarkText out;
  if (parse_legacy(text, &out)) return out;
  // The mark, a space, the format number (a few digits) and a space.
  if (text.size() < 23 || !get_mark(text, &out.record) || text[20] != ' ') {
    return damaged(MarkDamage::kNoFormat);
  }
  std::size_t end = 21;
  unsigned format = 0;
  while (end < text.size() && end - 21 <= kMaxFormatDigits && text[end] >= '0' &&
         text[end] <= '9') {
    format = format * 10 + static_cast<unsigned>(text[end++] - '0');
  }
  const std::size_t digits = end - 21;
  if (digits == 0 || digits > kMaxFormatDigits || end == text.size() || text[end] != ' ') {
    return damaged(MarkDamage::kNoFormat);
  }
  if (format > kMarkFormat) {
    out = MarkText{};
    out.kind = MarkText::Kind::kFuture;
    out.format = format;
    return out;
  }
  if ((format != kMarkFormat && format != 3) || digits != 1) {
    return damaged(MarkDamage::kNoFormat);
  }
  // Format 3 is format 4 without the restore field.
  const std::size_t length = format == 3 ? kFormat3Length : kMarkTextLength;
  const std::size_t summed = length - 9;
  if (text.size() != length) return damaged(MarkDamage::kLength);
  std::uint64_t restore = 0;
  std::uint64_t sum = 0;
  const bool fields = get_identity(text, kIdentityAt, ' ', &out.record) &&
                      (format == 3 || (get_hex(text, kIdentityAt + 64, 8, &restore) &&
                                       text[kIdentityAt + 72] == ' ')) &&
                      get_hex(text, summed, 8, &sum) && text[length - 1] == '\n';
  if (!fields) return damaged(MarkDamage::kField);
  if (sum != checksum(text.data(), summed)) return damaged(MarkDamage::kChecksum);
  out.record.restore = static_cast<std::uint32_t>(restore);
  out.kind = format == 3 ? MarkText::Kind::kLegacy : MarkText::Kind::kCurrent;
  out.has_identity = true;
  return out;
}

const char* mark_damage_name(MarkDamage damage) noexcept {
  switch (damage) {
    case MarkDamage::kNone:
      return "none";
    case MarkDamage::kEmpty:
      return "empty";
    case MarkDamage::kNoFormat:
      return "no_format";
    case MarkDamage::kLength:
      return "length";
    case MarkDamage::kField:
      return "field";
    case MarkDamage::kChecksum:
      return "checksum";
  }
  return "none";
}

}  // namespace flakeid
