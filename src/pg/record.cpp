// Building the composite results of SQL functions declared with OUT parameters.
#include "pg/record.hpp"

namespace flakeid::pg {

TupleDesc result_tupdesc(FunctionCallInfo fcinfo) {
  TupleDesc tupdesc;
  if (get_call_result_type(fcinfo, nullptr, &tupdesc) != TYPEFUNC_COMPOSITE) {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("function returning record called in context that cannot accept "
                           "type record")));
  }
  return BlessTupleDesc(tupdesc);
}

Datum make_record(TupleDesc tupdesc, Datum* values) {
  bool nulls[16] = {false};
  Assert(tupdesc->natts <= 16);
  return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

}  // namespace flakeid::pg
