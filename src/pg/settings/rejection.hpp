// A value of a flakeid setting that PostgreSQL refused when flakeid was loaded: set before
// the library was loaded in the session (a placeholder), it was kept unchecked, and when the
// setting was defined PostgreSQL dropped it with a WARNING and put the default (or the value
// below it) in its place. flakeid does not work under a setting other than the one asked
// for: while such a value stands where the refused one would have, every function that
// uses the setting refuses, with what was refused, why and where it came from.
#pragma once

#include "pg/functions/sql_function.hpp"

#include <cstddef>
#include <cstdio>

namespace flakeid::pg {

// Why a value was refused.
enum class RejectionKind : unsigned char {
  kInvalid,      // the value is not valid for the setting
  kPermission,   // the role that set it may not set it
  kContext,      // it was set where the setting cannot be set (SET of a server setting)
  kLost,         // PostgreSQL applied none of the values set before (a parallel operation)
  kUnknownName,  // a flakeid.* name that is no flakeid setting
  kNotInForce,   // stored with ALTER DATABASE / ROLE ... SET, valid, and not in force in
                 // this session: stored after it started, or refused when it started
};

// One refused value. Plain fixed-size text: it is kept as a setting's GUC "extra", copied
// by value, and alive where PostgreSQL errors are raised.
struct Rejection {
  RejectionKind kind = RejectionKind::kInvalid;
  GucSource source = PGC_S_DEFAULT;  // where the value came from
  int line = 0;                      // the configuration file's line, when source is a file
  bool at_reload = false;            // found in the files at a reload, not when flakeid loaded
  char how[8] = "";                  // for SET in a session: "set", "local" or "save"
  char setting[48] = "";             // the setting's name, e.g. "flakeid.layout"
  char value[96] = "";               // the value as it was set (cut to fit)
  char reason[240] = "";             // why it was refused
  char file[160] = "";               // the configuration file, when source is a file
};
FLAKEID_NO_DESTRUCTOR(Rejection);

// Copies `text` into a fixed-size field of a Rejection, cut to fit.
template <std::size_t N>
void set_field(char (&field)[N], const char* text) {
  strlcpy(field, text != nullptr ? text : "", N);
}

// Why a server setting (PGC_SIGHUP) set in a session, a database or a role is refused.
inline void set_server_setting_reason(Rejection* rejection, const char* name) {
  snprintf(rejection->reason, sizeof(rejection->reason),
           "%s is a server setting: it can be set only in postgresql.conf or with ALTER "
           "SYSTEM, then a reload.",
           name);
}

// Reports a value of a setting that flakeid holds as rejected (see placeholders.hpp), at
// `elevel`: what was refused, why, where it was set and how to fix it. As an ERROR, it is
// the refusal of a function that uses the setting; as a WARNING, the notice when it loads.
void report_rejected_setting(int elevel, const Rejection& rejection);

// report_rejected_setting() as an ERROR.
[[noreturn]] void refuse_rejected_setting(const Rejection& rejection);

}  // namespace flakeid::pg
