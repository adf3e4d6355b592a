// What each SQL-callable function must be declared as: its argument types, its result type,
// whether it returns a set, and STRICT. The SQL declaration and the library can come from
// different versions (or a superuser can declare a function of the library by hand); a
// bigint read as a record, or a NULL read as text, would crash the server. Every entry
// point checks its declaration once per call site (FmgrInfo) and refuses a mismatch with
// FL009; the check is cached in fn_extra, so a call that passes costs one comparison.
#pragma once

#include "pg/postgres.hpp"

#include <type_traits>

namespace flakeid::pg {

// The declaration an entry point implements.
struct Declared {
  Oid result;   // RECORDOID for a record of columns (record.hpp checks them where it is built)
  bool set;     // RETURNS SETOF
  bool strict;  // must be STRICT: the body reads its arguments without a NULL check
  int nargs;
  Oid args[4];
};
static_assert(std::is_trivially_destructible_v<Declared>, "Declared is alive across ereport");

// A function returning one value of type `result` for arguments of the types `args`.
template <typename... Args>
constexpr Declared returns(Oid result, Args... args) {
  return Declared{result, false, true, static_cast<int>(sizeof...(args)), {Oid(args)...}};
}

// A function returning a set of values of type `result`.
template <typename... Args>
constexpr Declared returns_set(Oid result, Args... args) {
  return Declared{result, true, true, static_cast<int>(sizeof...(args)), {Oid(args)...}};
}

// A trigger function: no arguments, RETURNS trigger, not STRICT (a trigger has no NULL).
constexpr Declared kTriggerFunction = Declared{TRIGGEROID, false, false, 0, {}};

// The value fn_extra holds once a function that returns no set has passed the check.
extern const char kDeclarationChecked;

// Whether the call site of `fcinfo` has been checked. A function returning a set keeps its
// FuncCallContext in fn_extra while a scan runs: it is checked when each scan starts.
inline bool declaration_checked(FunctionCallInfo fcinfo, const Declared& declared) {
  const void* extra = fcinfo->flinfo->fn_extra;
  return declared.set ? extra != nullptr : extra == &kDeclarationChecked;
}

// Checks the declaration of the function called through `fcinfo` against `declared` (the
// library's `symbol`): FL009 on a difference. Marks the call site checked.
void check_declaration(FunctionCallInfo fcinfo, const char* symbol, const Declared& declared);

}  // namespace flakeid::pg
