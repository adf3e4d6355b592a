// Names of the core's error codes.
#include "core/error.hpp"

namespace flakeid {

const char* error_name(Error error) noexcept {
  switch (error) {
    case Error::kOk:
      return "ok";
    case Error::kLayoutSyntax:
      return "layout_syntax";
    case Error::kLayoutUnknownPreset:
      return "layout_unknown_preset";
    case Error::kLayoutFieldRange:
      return "layout_field_range";
    case Error::kLayoutSum:
      return "layout_sum";
    case Error::kEpochSyntax:
      return "epoch_syntax";
    case Error::kEpochNoZone:
      return "epoch_no_zone";
    case Error::kEpochRange:
      return "epoch_range";
    case Error::kNodeIdSyntax:
      return "node_id_syntax";
    case Error::kDatacenterIdRange:
      return "datacenter_id_range";
    case Error::kMachineIdRange:
      return "machine_id_range";
    case Error::kEpochInFuture:
      return "epoch_in_future";
    case Error::kClockMovedBackwards:
      return "clock_moved_backwards";
    case Error::kAheadByLead:
      return "ahead_by_lead";
    case Error::kTimestampOverflow:
      return "timestamp_overflow";
    case Error::kIdNegative:
      return "id_negative";
    case Error::kTimestampOutOfRange:
      return "timestamp_out_of_range";
    case Error::kFieldValueRange:
      return "field_value_range";
    case Error::kTimeBeforeEpoch:
      return "time_before_epoch";
    case Error::kTimeAfterRange:
      return "time_after_range";
    case Error::kSpanMonths:
      return "span_months";
    case Error::kSpanFraction:
      return "span_fraction";
    case Error::kSpanNotPositive:
      return "span_not_positive";
    case Error::kSpanOverflow:
      return "span_overflow";
  }
  return "unknown";
}

}  // namespace flakeid
