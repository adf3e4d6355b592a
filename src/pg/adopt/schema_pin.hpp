// Keeping a schema's name for the rest of the transaction.
#pragma once

#include "pg/postgres.hpp"

namespace flakeid::pg {

// Locks the pg_namespace row of `schema` FOR SHARE, as SELECT ... FOR SHARE would, so that
// ALTER SCHEMA ... RENAME (and OWNER TO, GRANT) waits until this transaction ends: every
// name printed from an OID in that schema resolves to the same object until then. Waits for
// a transaction that holds the row; refuses (55006) when the row changed meanwhile.
void pin_schema(Oid schema);

}  // namespace flakeid::pg
