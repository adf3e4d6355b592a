// The guard every SQL-callable function goes through. It checks the function's SQL
// declaration first (declaration.hpp). C++ exceptions must not unwind into
// PostgreSQL, and PostgreSQL's errors (longjmp) must not unwind C++ objects: the body runs
// inside try, any exception is caught and reported with ereport only after the catch
// block has ended. Bodies may raise PostgreSQL errors themselves only where no C++ object
// with a destructor is alive: every type that lives across an ereport is named in a
// FLAKEID_NO_DESTRUCTOR check, so the compiler holds that rule.
#pragma once

#include "pg/functions/declaration.hpp"
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

// Runs `body(fcinfo)` once the function's declaration is known to be `declared` (the
// library's `symbol`); an escaping C++ exception becomes an internal PostgreSQL error.
// noexcept: PostgreSQL calls it (through the entry point below), and nothing escapes it.
template <typename Body>
Datum guarded(Body body, FunctionCallInfo fcinfo, const char* symbol,
              const Declared& declared) noexcept {
  if (unlikely(!declaration_checked(fcinfo, declared))) {
    check_declaration(fcinfo, symbol, declared);
  }
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

// Defines the extern "C" entry point `name` and its V1 info for a body in namespace scope,
// declared in SQL as `declared` says (flakeid::pg::returns(...), returns_set(...) or
// kTriggerFunction).
#define FLAKEID_SQL_FUNCTION(name, body, declared)                            \
  extern "C" {                                                                \
  PG_FUNCTION_INFO_V1(name);                                                  \
  Datum name(PG_FUNCTION_ARGS) {                                              \
    static constexpr flakeid::pg::Declared kDeclared = flakeid::pg::declared; \
    return flakeid::pg::guarded(body, fcinfo, #name, kDeclared);              \
  }                                                                           \
  }
