// flakeid_min_id(ts) and flakeid_max_id(ts): the smallest and largest ID a layout can
// hold in the millisecond of `ts`, so that a time range becomes a range of keys (an index
// range scan on the primary key, bounds of range partitions).
#include "pg/functions/sql_function.hpp"

#include "core/codec.hpp"
#include "pg/functions/arguments.hpp"
#include "pg/errors/errors.hpp"
#include "pg/functions/time_convert.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<std::int64_t>);

namespace {

using IdInMs = Result<std::int64_t> (*)(const Layout&, std::int64_t, std::int64_t) noexcept;

// The ID `which` picks in the millisecond of argument 0, or a clear error outside the
// layout's range or for an infinite time.
Datum id_bound(FunctionCallInfo fcinfo, const LayoutAndEpoch& under, IdInMs which) {
  const TimestampTz ts = PG_GETARG_TIMESTAMPTZ(0);
  if (TIMESTAMP_NOT_FINITE(ts)) report_infinite_time(TIMESTAMP_IS_NOBEGIN(ts));
  const std::int64_t unix_ms = timestamptz_to_unix_ms(ts);
  const Result<std::int64_t> id = which(under.layout, under.epoch_ms, unix_ms);
  if (!id.ok()) report_time_outside_layout(id.error, unix_ms, under.layout, under.epoch_ms);
  return Int64GetDatum(id.value);
}

// flakeid_min_id(ts): under the database's current layout and epoch.
Datum min_id_current(FunctionCallInfo fcinfo) {
  return id_bound(fcinfo, current_layout_and_epoch(), first_id_in_ms);
}

// flakeid_min_id(ts, layout, epoch_ms): under the layout and epoch given.
Datum min_id_with(FunctionCallInfo fcinfo) {
  return id_bound(fcinfo, layout_and_epoch_args(fcinfo, 1), first_id_in_ms);
}

// flakeid_max_id(ts): under the database's current layout and epoch.
Datum max_id_current(FunctionCallInfo fcinfo) {
  return id_bound(fcinfo, current_layout_and_epoch(), last_id_in_ms);
}

// flakeid_max_id(ts, layout, epoch_ms): under the layout and epoch given.
Datum max_id_with(FunctionCallInfo fcinfo) {
  return id_bound(fcinfo, layout_and_epoch_args(fcinfo, 1), last_id_in_ms);
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_min_id, flakeid::pg::min_id_current, returns(INT8OID, TIMESTAMPTZOID))
FLAKEID_SQL_FUNCTION(flakeid_min_id_with, flakeid::pg::min_id_with,
                     returns(INT8OID, TIMESTAMPTZOID, TEXTOID, INT8OID))
FLAKEID_SQL_FUNCTION(flakeid_max_id, flakeid::pg::max_id_current, returns(INT8OID, TIMESTAMPTZOID))
FLAKEID_SQL_FUNCTION(flakeid_max_id_with, flakeid::pg::max_id_with,
                     returns(INT8OID, TIMESTAMPTZOID, TEXTOID, INT8OID))
