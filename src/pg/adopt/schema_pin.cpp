// Keeping a schema's name for the rest of the transaction: a row lock on its pg_namespace row.
// A relation's own name is kept by a lock on the relation (RENAME and SET SCHEMA take ACCESS
// EXCLUSIVE), but its schema's name is not: RenameSchema() takes no lock on the schema, it
// updates the row (CatalogTupleUpdate), and an update of a row locked FOR SHARE waits for
// the locker. PostgreSQL has no object lock for this.
#include "pg/adopt/schema_pin.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_namespace.h"
#include "storage/bufmgr.h"
#include "utils/syscache.h"
}

namespace flakeid::pg {

void pin_schema(Oid schema) {
  Relation rel = table_open(NamespaceRelationId, RowShareLock);
  HeapTuple found = SearchSysCacheCopy1(NAMESPACEOID, ObjectIdGetDatum(schema));
  if (!HeapTupleIsValid(found)) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_SCHEMA),
                    errmsg("schema with OID %u does not exist", schema)));
  }
  HeapTupleData row;
  row.t_self = found->t_self;
  Buffer buffer = InvalidBuffer;
  TM_FailureData failure;
  const TM_Result result = heap_lock_tuple(rel, &row, GetCurrentCommandId(false), LockTupleShare,
                                           LockWaitBlock, false, &buffer, &failure);
  if (BufferIsValid(buffer)) ReleaseBuffer(buffer);
  if (result != TM_Ok) {
    // Renamed (or dropped) by a transaction that committed after the row was read: the
    // names printed so far may be stale. Nothing ran under them yet.
    ereport(ERROR, (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                    errmsg("schema \"%s\" changed while flakeid waited for it",
                           NameStr(reinterpret_cast<Form_pg_namespace>(GETSTRUCT(found))->nspname)),
                    errhint("Call it again.")));
  }
  heap_freetuple(found);
  table_close(rel, NoLock);
}

}  // namespace flakeid::pg
