// Reading IDs: flakeid_decode() takes one apart, flakeid_timestamp() gives its time; each
// under the database's current layout and epoch, or (IMMUTABLE) under those given.
#include "pg/functions/sql_function.hpp"

#include "core/codec.hpp"
#include "pg/functions/arguments.hpp"
#include "pg/functions/record.hpp"
#include "pg/errors/errors.hpp"
#include "pg/functions/time_convert.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<Decoded>);
FLAKEID_NO_DESTRUCTOR(Decoded);

namespace {

// An ID taken apart, with its time as a timestamptz; raises a clear error for a negative
// ID or a time beyond PostgreSQL's calendar.
Decoded decode_id(const LayoutAndEpoch& under, std::int64_t id, TimestampTz* generated_at) {
  if (id < 0) report_negative_id(id);
  const Result<Decoded> decoded = decode(under.layout, under.epoch_ms, id);
  if (!decoded.ok() || !unix_ms_to_timestamptz(decoded.value.timestamp_ms, generated_at)) {
    report_timestamp_out_of_range(id, under.epoch_ms, decoded.value.fields.timestamp);
  }
  return decoded.value;
}

// The record (raw, timestamp_ms, generated_at, datacenter_id, machine_id, sequence).
Datum decoded_record(FunctionCallInfo fcinfo, const LayoutAndEpoch& under) {
  const std::int64_t id = PG_GETARG_INT64(0);
  TimestampTz generated_at = 0;
  const Decoded decoded = decode_id(under, id, &generated_at);
  const Fields& f = decoded.fields;
  Datum values[] = {
      Int64GetDatum(id),
      Int64GetDatum(decoded.timestamp_ms),
      TimestampTzGetDatum(generated_at),
      Int32GetDatum(static_cast<int32>(f.datacenter)),
      Int32GetDatum(static_cast<int32>(f.machine)),
      Int32GetDatum(static_cast<int32>(f.sequence)),
  };
  static const Oid kTypes[] = {INT8OID, INT8OID, TIMESTAMPTZOID, INT4OID, INT4OID, INT4OID};
  return make_record(result_tupdesc(fcinfo, kTypes), values);
}

// The time an ID was made.
Datum timestamp_of(FunctionCallInfo fcinfo, const LayoutAndEpoch& under) {
  TimestampTz generated_at = 0;
  (void)decode_id(under, PG_GETARG_INT64(0), &generated_at);
  return TimestampTzGetDatum(generated_at);
}

// flakeid_decode(id): under the database's current layout and epoch.
Datum decode_current(FunctionCallInfo fcinfo) {
  return decoded_record(fcinfo, current_layout_and_epoch());
}

// flakeid_decode(id, layout, epoch_ms): under the layout and epoch given.
Datum decode_with(FunctionCallInfo fcinfo) {
  return decoded_record(fcinfo, layout_and_epoch_args(fcinfo, 1));
}

// flakeid_timestamp(id): under the database's current layout and epoch.
Datum timestamp_current(FunctionCallInfo fcinfo) {
  return timestamp_of(fcinfo, current_layout_and_epoch());
}

// flakeid_timestamp(id, layout, epoch_ms): under the layout and epoch given.
Datum timestamp_with(FunctionCallInfo fcinfo) {
  return timestamp_of(fcinfo, layout_and_epoch_args(fcinfo, 1));
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_decode, flakeid::pg::decode_current, returns(RECORDOID, INT8OID))
FLAKEID_SQL_FUNCTION(flakeid_decode_with, flakeid::pg::decode_with,
                     returns(RECORDOID, INT8OID, TEXTOID, INT8OID))
FLAKEID_SQL_FUNCTION(flakeid_timestamp, flakeid::pg::timestamp_current,
                     returns(TIMESTAMPTZOID, INT8OID))
FLAKEID_SQL_FUNCTION(flakeid_timestamp_with, flakeid::pg::timestamp_with,
                     returns(TIMESTAMPTZOID, INT8OID, TEXTOID, INT8OID))
