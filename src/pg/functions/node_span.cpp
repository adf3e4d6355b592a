// Keys across servers and time partitions: flakeid_node() gives the node that made an ID
// (the shard of a router such as PL/Proxy), flakeid_span() the width in IDs of a time span
// (the interval of ID range partitions such as pg_partman's); each under the database's
// current layout, or (IMMUTABLE) under the layout given.
#include "pg/functions/sql_function.hpp"

#include "core/codec.hpp"
#include "pg/functions/arguments.hpp"
#include "pg/errors/errors.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<std::int64_t>);

namespace {

// The node of the ID at argument 0 under `layout`, as the SQL integer it fits in; a clear
// error for a negative ID, and (FL014) under a layout with more than 31 node bits. The
// layout decides, not the ID: under 62 node bits the keys of node 1 fit an integer too, but
// a router that took them would fail only once a node past 2^31 - 1 made keys.
Datum node_under(FunctionCallInfo fcinfo, const Layout& layout) {
  const std::int64_t id = PG_GETARG_INT64(0);
  const Result<std::int64_t> node = node_of(layout, id);
  if (!node.ok()) report_negative_id(id);
  const int node_bits = layout.datacenter_bits + layout.machine_bits;
  if (node_bits > 31) {
    ereport(ERROR, (errcode(ERRCODE_FLAKEID_NO_NODE_OR_SPAN),
                    errmsg("the nodes of layout %d,%d,%d,%d do not fit in an integer",
                           layout.timestamp_bits, layout.datacenter_bits, layout.machine_bits,
                           layout.sequence_bits),
                    errdetail("The layout has %d node bits; an integer holds 31. flakeid_node() "
                              "refuses every key under it, whatever its node (here %lld).",
                              node_bits, static_cast<long long>(node.value)),
                    errhint("Use flakeid_decode() for the datacenter and machine ids apart.")));
  }
  return Int32GetDatum(static_cast<int32>(node.value));
}

// The width in IDs of the interval at argument 0 under `layout`; a clear error (FL014)
// for an interval with months, a fraction of a millisecond, not positive, infinite, or
// too wide for the layout.
Datum span_under(FunctionCallInfo fcinfo, const Layout& layout) {
  const Datum span_datum = PG_GETARG_DATUM(0);
  const Interval* span = DatumGetIntervalP(span_datum);
  const auto span_text = [span_datum]() {
    return DatumGetCString(DirectFunctionCall1(interval_out, span_datum));
  };
#ifdef INTERVAL_NOT_FINITE
  // PostgreSQL 17 and later have infinite intervals; their fields are sentinels.
  if (INTERVAL_NOT_FINITE(span)) report_bad_span(Error::kOk, span_text(), layout);
#endif
  const Result<std::int64_t> ms = span_ms(span->month, span->day, span->time);
  if (!ms.ok()) report_bad_span(ms.error, span_text(), layout);
  const Result<std::int64_t> ids = ids_in_span(layout, ms.value);
  if (!ids.ok()) report_bad_span(ids.error, span_text(), layout);
  return Int64GetDatum(ids.value);
}

// flakeid_node(id): under the database's current layout.
Datum node_current(FunctionCallInfo fcinfo) {
  return node_under(fcinfo, current_layout_and_epoch().layout);
}

// flakeid_node(id, layout, epoch_ms): under the layout given (the epoch is checked as
// flakeid_decode() checks it, though a node does not depend on it).
Datum node_with(FunctionCallInfo fcinfo) {
  return node_under(fcinfo, layout_and_epoch_args(fcinfo, 1).layout);
}

// flakeid_span(span): under the database's current layout.
Datum span_current(FunctionCallInfo fcinfo) {
  return span_under(fcinfo, current_layout_and_epoch().layout);
}

// flakeid_span(span, layout): under the layout given.
Datum span_with(FunctionCallInfo fcinfo) {
  return span_under(fcinfo, layout_arg(fcinfo, 1));
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_node, flakeid::pg::node_current, returns(INT4OID, INT8OID))
FLAKEID_SQL_FUNCTION(flakeid_node_with, flakeid::pg::node_with,
                     returns(INT4OID, INT8OID, TEXTOID, INT8OID))
FLAKEID_SQL_FUNCTION(flakeid_span, flakeid::pg::span_current, returns(INT8OID, INTERVALOID))
FLAKEID_SQL_FUNCTION(flakeid_span_with, flakeid::pg::span_with,
                     returns(INT8OID, INTERVALOID, TEXTOID))
