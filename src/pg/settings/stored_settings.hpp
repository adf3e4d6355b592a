// The values stored for this session's database and role with ALTER DATABASE / ROLE ... SET
// (pg_db_role_setting), read with the catalog API. PostgreSQL applies them as a session
// starts; a value it cannot apply there (a server setting, where flakeid is preloaded) it
// drops with a WARNING, and flakeid finds it here to refuse instead.
#pragma once

#include "pg/postgres.hpp"

#include "pg/settings/rejection.hpp"

namespace flakeid::pg {

// A value stored for the session: where (PGC_S_DATABASE_USER, PGC_S_USER, PGC_S_DATABASE or
// PGC_S_GLOBAL) and what.
struct StoredValue {
  GucSource source;
  char value[sizeof(Rejection::value)];
};
FLAKEID_NO_DESTRUCTOR(StoredValue);

// The stored value of `name` that PostgreSQL would put in force for this session (database
// MyDatabaseId, the role it started as), the one of the highest priority; false when none is
// stored. Needs a transaction.
bool stored_setting(const char* name, StoredValue* found);

}  // namespace flakeid::pg
