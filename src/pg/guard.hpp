// The guard every SQL-callable function goes through. C++ exceptions must not unwind into
// PostgreSQL, and PostgreSQL's errors (longjmp) must not unwind C++ objects: the body runs
// inside try, any exception is caught and reported with ereport only after the catch
// block has ended. Bodies may raise PostgreSQL errors themselves only where no C++ object
// with a destructor is alive: every type that lives across an ereport is named in a
// FLAKEID_NO_DESTRUCTOR check, so the compiler holds that rule.
#pragma once

#include "pg/postgres.hpp"

#include <exception>
#include <type_traits>

// Fails the build when the type given has a destructor, which a PostgreSQL error (a longjmp)
// would skip.
#define FLAKEID_NO_DESTRUCTOR(...)                                          \
  static_assert(std::is_trivially_destructible_v<__VA_ARGS__>, #__VA_ARGS__ \
                " is alive where a PostgreSQL error can be raised, so it "  \
                "must have no destructor for the longjmp to skip")

namespace flakeid::pg {

// Runs `body(fcinfo)`; an escaping C++ exception becomes an internal PostgreSQL error.
// noexcept: PostgreSQL calls it (through the entry point below), and nothing escapes it.
template <typename Body>
Datum guarded(Body body, FunctionCallInfo fcinfo) noexcept {
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
