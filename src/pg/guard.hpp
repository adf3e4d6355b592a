// The guard every SQL-callable function goes through. C++ exceptions must not unwind into
// PostgreSQL, and PostgreSQL's errors (longjmp) must not unwind C++ objects: the body runs
// inside try, any exception is caught and reported with ereport only after the catch
// block has ended. Bodies may raise PostgreSQL errors themselves only where no C++ object
// with a destructor is alive (the core allocates nothing, so in practice everywhere).
#pragma once

#include "pg/postgres.hpp"

#include <exception>

namespace flakeid::pg {

// Runs `body(fcinfo)`; an escaping C++ exception becomes an internal PostgreSQL error.
template <typename Body>
Datum guarded(Body body, FunctionCallInfo fcinfo) {
  // The message must outlive the exception object, and nothing that can raise a
  // PostgreSQL error may run inside the catch block: copy it into a static buffer.
  static char what[256];
  try {
    return body(fcinfo);
  } catch (const std::exception& e) {
    strlcpy(what, e.what(), sizeof(what));
  } catch (...) {
    strlcpy(what, "unknown C++ exception", sizeof(what));
  }
  ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("flakeid internal error: %s", what)));
  pg_unreachable();
}

}  // namespace flakeid::pg

// Defines the extern "C" entry point `name` and its V1 info for a body in namespace scope.
#define FLAKEID_SQL_FUNCTION(name, body)       \
  extern "C" {                                 \
  PG_FUNCTION_INFO_V1(name);                   \
  Datum name(PG_FUNCTION_ARGS) {               \
    return flakeid::pg::guarded(body, fcinfo); \
  }                                            \
  }
