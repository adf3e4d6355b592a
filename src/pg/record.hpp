// Building the composite results of SQL functions declared with OUT parameters.
#pragma once

#include "pg/postgres.hpp"

namespace flakeid::pg {

// The blessed tuple descriptor of the function's declared result record.
TupleDesc result_tupdesc(FunctionCallInfo fcinfo);

// A composite Datum of `values` (none null) under `tupdesc`.
Datum make_record(TupleDesc tupdesc, Datum* values);

}  // namespace flakeid::pg
