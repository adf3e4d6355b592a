// Acting as the bootstrap superuser for the extension's own mark sequence, which no
// role of the caller's may read or move. Between become_superuser() and restore_user() only
// calls bound by OID may run (pg_sequence_last_value, setval_oid on the sequence's OID):
// never SPI, a query text or anything that resolves a function, operator, cast or table
// through a search_path or a schema name, which another role could fill with its own
// objects and have them run as the superuser (issue 19). The replication guard needs no
// raised rights: it reads and writes its binding table with the heap and index APIs.
#pragma once

#include "pg/functions/sql_function.hpp"
#include "pg/postgres.hpp"

namespace flakeid::pg {

// The user and security context saved while the extension acts as superuser.
struct SavedUser {
  Oid user = InvalidOid;
  int context = 0;
};
FLAKEID_NO_DESTRUCTOR(SavedUser);

// Switches to the bootstrap superuser and returns what to switch back to. (Plain functions,
// not a C++ guard object: a PostgreSQL error in between must not skip a destructor.
// Aborting the transaction restores the user by itself.)
SavedUser become_superuser();

// Switches back to the user saved by become_superuser().
void restore_user(const SavedUser& saved);

}  // namespace flakeid::pg
