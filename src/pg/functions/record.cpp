// Building the composite results of SQL functions declared with OUT parameters.
#include "pg/functions/record.hpp"

extern "C" {
#include "utils/lsyscache.h"
}

#include "pg/errors/errors.hpp"
#include "pg/functions/time_convert.hpp"

namespace flakeid::pg {

namespace {

// The name of the SQL function being called, for messages.
const char* called_function_name(FunctionCallInfo fcinfo) {
  const char* name = get_func_name(fcinfo->flinfo->fn_oid);
  return name != nullptr ? name : "a flakeid function";
}

}  // namespace

TupleDesc checked_result_tupdesc(FunctionCallInfo fcinfo, const Oid* types, std::size_t count) {
  TupleDesc tupdesc;
  if (get_call_result_type(fcinfo, nullptr, &tupdesc) != TYPEFUNC_COMPOSITE) {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("function returning record called in context that cannot accept "
                           "type record")));
  }
  if (static_cast<std::size_t>(tupdesc->natts) != count) {
    report_record_columns(called_function_name(fcinfo), tupdesc->natts, count);
  }
  for (std::size_t i = 0; i < count; ++i) {
    const Form_pg_attribute column = TupleDescAttr(tupdesc, i);
    if (column->attisdropped || column->atttypid != types[i]) {
      report_record_column_type(called_function_name(fcinfo), static_cast<int>(i) + 1,
                                NameStr(column->attname), column->atttypid, types[i]);
    }
  }
  return BlessTupleDesc(tupdesc);
}

Datum form_record(TupleDesc tupdesc, Datum* values, bool* nulls, std::size_t count) {
  if (static_cast<std::size_t>(tupdesc->natts) != count) {
    report_record_columns("a flakeid function", tupdesc->natts, count);
  }
  return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

// A timestamptz Datum of Unix ms, 'infinity' beyond PostgreSQL's calendar.
Datum timestamptz_datum(std::int64_t unix_ms) {
  TimestampTz ts;
  if (!unix_ms_to_timestamptz(unix_ms, &ts)) ts = DT_NOEND;
  return TimestampTzGetDatum(ts);
}

// An interval Datum of `ms` milliseconds.
Datum interval_datum(std::int64_t ms) {
  Interval* interval = static_cast<Interval*>(palloc0(sizeof(Interval)));
  interval->time = ms * 1000;
  return IntervalPGetDatum(interval);
}

// A layout as text: its preset name, or "T,D,M,S".
Datum layout_datum(const Layout& layout) {
  const char* name = preset_name(layout);
  if (name != nullptr) return CStringGetTextDatum(name);
  return CStringGetTextDatum(psprintf("%d,%d,%d,%d", layout.timestamp_bits, layout.datacenter_bits,
                                      layout.machine_bits, layout.sequence_bits));
}

}  // namespace flakeid::pg
