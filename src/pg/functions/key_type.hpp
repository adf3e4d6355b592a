// The types a key column of flakeid may have: bigint, or the extension's own flakeid type.
#pragma once

#include "pg/postgres.hpp"

namespace flakeid::pg {

// Whether a column of type `type` holds flakeid keys: bigint, or the flakeid base type of
// this database's flakeid extension (bigint's storage), found by OID as a member of the
// extension, never by name: a type or domain named flakeid in any schema is not it.
// Costs nothing more for bigint; for another type it reads the catalogs, once a backend for
// the flakeid type until a type changes.
bool is_key_type(Oid type);

}  // namespace flakeid::pg
