// The failures the core reports. The core never throws and never calls PostgreSQL:
// every operation that can fail returns one of these codes, and the glue layer turns it
// into an error with its own SQLSTATE, message and hint.
#pragma once

#include <cstdint>

namespace flakeid {

enum class Error : std::uint8_t {
  kOk = 0,
  // Layout text.
  kLayoutSyntax,         // not a preset name and not four integers "T,D,M,S"
  kLayoutUnknownPreset,  // a single word that names no preset
  kLayoutFieldRange,     // a field outside its bounds (T >= 1; D, M, S in 0..31)
  kLayoutSum,            // T + D + M + S != 63
  // Epoch text.
  kEpochSyntax,  // neither ISO-8601 with zone nor an integer of milliseconds
  kEpochNoZone,  // ISO-8601 without a zone: ambiguous
  kEpochRange,   // before 1970-01-01 or after 9999-12-31
  // Node ids.
  kNodeIdSyntax,       // an environment value that is not a non-negative integer
  kDatacenterIdRange,  // the datacenter id does not fit the layout's field
  kMachineIdRange,     // the machine id does not fit the layout's field
  // Generation.
  kEpochInFuture,        // the clock reads earlier than the epoch
  kClockMovedBackwards,  // the clock is behind the last ID by more than the tolerance
  kAheadByLead,          // IDs an ended lead let run ahead are further than a short wait
  kTimestampOverflow,    // the layout's timestamp field has run out
  // Decoding and arguments.
  kIdNegative,           // an ID with the sign bit set
  kTimestampOutOfRange,  // epoch + timestamp does not fit in 64-bit milliseconds
  kFieldValueRange,      // a field value given to encode does not fit its field
  kTimeBeforeEpoch,      // a time asked about lies before the layout's epoch
  kTimeAfterRange,       // a time asked about lies after the layout's last timestamp
  // Time spans (widths of key ranges).
  kSpanMonths,       // a span with months, which have no fixed length
  kSpanFraction,     // a span that is not a whole number of milliseconds
  kSpanNotPositive,  // a span of zero or less
  kSpanOverflow,     // a span wider than the layout's timestamp field can count
};

// A value or the reason there is none.
template <typename T>
struct Result {
  T value{};
  Error error = Error::kOk;

  bool ok() const { return error == Error::kOk; }
};

// Short stable name of an error, for logs and tests ("clock_moved_backwards").
const char* error_name(Error error) noexcept;

}  // namespace flakeid
