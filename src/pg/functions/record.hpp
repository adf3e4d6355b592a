// Building the composite results of SQL functions declared with OUT parameters. The SQL
// declaration and the library can come from different versions (a new library installed
// before ALTER EXTENSION flakeid UPDATE), so the columns the code fills are checked against
// the declared ones: a mismatch is a clear error, never a read past an array.
#pragma once

#include "pg/postgres.hpp"

#include <cstddef>
#include <cstdint>

#include "core/layout.hpp"

namespace flakeid::pg {

// The blessed tuple descriptor of the function's declared result record, after checking
// that its columns are exactly `count` columns of the SQL types `types`, in order; raises
// a clear error (FL009) naming the function and the first difference otherwise.
TupleDesc checked_result_tupdesc(FunctionCallInfo fcinfo, const Oid* types, std::size_t count);

// A composite Datum of `count` values (none null) under `tupdesc`; an error unless the
// descriptor has exactly `count` columns.
Datum form_record(TupleDesc tupdesc, Datum* values, bool* nulls, std::size_t count);

// checked_result_tupdesc() for the column types the code fills, counted by the compiler.
template <std::size_t N>
TupleDesc result_tupdesc(FunctionCallInfo fcinfo, const Oid (&types)[N]) {
  return checked_result_tupdesc(fcinfo, types, N);
}

// form_record() for the values the code fills, counted by the compiler.
template <std::size_t N>
Datum make_record(TupleDesc tupdesc, Datum (&values)[N]) {
  bool nulls[N] = {};
  return form_record(tupdesc, values, nulls, N);
}

// A timestamptz Datum of Unix ms, 'infinity' beyond PostgreSQL's calendar.
Datum timestamptz_datum(std::int64_t unix_ms);

// An interval Datum of `ms` milliseconds.
Datum interval_datum(std::int64_t ms);

// A layout as text: its preset name, or "T,D,M,S".
Datum layout_datum(const Layout& layout);

}  // namespace flakeid::pg
