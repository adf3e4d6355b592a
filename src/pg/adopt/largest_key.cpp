// The largest value of a key column (bigint, or the extension's flakeid type: the same
// storage), read with the table access method by OID: a plain scan, as the SQL max() would
// do, but nothing is looked up by name and no user code runs.
// It reads under the newest snapshot: with the table locked ACCESS EXCLUSIVE no writer is
// running, so it sees every committed row (even one a REPEATABLE READ snapshot of the caller
// would not), and it ignores row-level security (the caller refuses a table under a policy).
#include "pg/adopt/largest_key.hpp"

#include "pg/functions/key_type.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace flakeid::pg {

bool largest_key(Oid relid, const char* key_column, int64* largest) {
  Relation rel = table_open(relid, NoLock);
  const AttrNumber attnum = get_attnum(relid, key_column);
  const bool readable = RELKIND_HAS_STORAGE(rel->rd_rel->relkind) && attnum > 0 &&
                        attnum <= RelationGetNumberOfAttributes(rel) &&
                        is_key_type(TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid);
  bool found = false;
  if (readable) {
    Snapshot snapshot = RegisterSnapshot(GetLatestSnapshot());
    TableScanDesc scan = table_beginscan(rel, snapshot, 0, nullptr);
    TupleTableSlot* slot = table_slot_create(rel, nullptr);
    while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
      CHECK_FOR_INTERRUPTS();
      bool isnull = false;
      const Datum value = slot_getattr(slot, attnum, &isnull);
      if (isnull) continue;
      const int64 key = DatumGetInt64(value);
      if (!found || key > *largest) *largest = key;
      found = true;
    }
    ExecDropSingleTupleTableSlot(slot);
    table_endscan(scan);
    UnregisterSnapshot(snapshot);
  }
  table_close(rel, NoLock);
  return found;
}

}  // namespace flakeid::pg
