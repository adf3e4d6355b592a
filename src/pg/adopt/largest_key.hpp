// The largest value of a key column (bigint or flakeid), read with the table access method
// by OID.
#pragma once

#include "pg/postgres.hpp"

namespace flakeid::pg {

// The largest non-NULL value of column `key_column` in relation `relid`, which this
// transaction holds locked; false when it has no row with one (or no storage: a
// partitioned table), or the column is missing, dropped or neither bigint nor the
// extension's flakeid type (is_key_type(); the caller checks those and says so). No SQL: no
// view, rule, policy or function of anyone runs.
bool largest_key(Oid relid, const char* key_column, int64* largest);

}  // namespace flakeid::pg
