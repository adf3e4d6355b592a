// Acting as the bootstrap superuser for the extension's own objects (the high-water
// sequence, the replication guard's binding table), which no role of the caller's may
// read or move, and whose queries no search_path or role setting of theirs may change.
#pragma once

#include "pg/guard.hpp"
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
