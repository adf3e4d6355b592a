// Building the composite results of SQL functions declared with OUT parameters.
#include "pg/record.hpp"

extern "C" {
#include "utils/lsyscache.h"
}

#include "pg/report.hpp"

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

}  // namespace flakeid::pg
