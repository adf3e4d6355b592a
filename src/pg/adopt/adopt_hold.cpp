// flakeid_adopt_hold(tbl, key_column): what flakeid_adopt() reads and names, held by OID
// before it looks. flakeid_adopt() runs with its caller's rights (often a superuser's) on a
// table another role may own, and it must run statements that name the table and its
// sequences as text (ALTER TABLE, DROP SEQUENCE ...). PostgreSQL looks a name up again after
// waiting for the lock of what it named, and the table's owner, or the owner of its schema,
// decides how long that wait is: while it lasts they can rename the table or its schema and
// put a view of theirs at the name, whose functions then run with the caller's rights
// (issue 19, H2). So the lock is taken here by OID, once, and the names are kept:
//   - the table and every partition and child: ACCESS EXCLUSIVE (what ALTER TABLE takes,
//     and what LOCK TABLE took in 1.3); no RENAME or SET SCHEMA of them can run until the
//     caller's transaction ends;
//   - the sequences their key columns use (owned, identity, or named by the default):
//     ROW EXCLUSIVE, what nextval() takes, which RENAME and SET SCHEMA (ACCESS EXCLUSIVE)
//     wait for, and the sequence's users do not;
//   - the schemas of all of them, and this function's own (the extension's: the default
//     names flakeid_next() in it): their pg_namespace rows FOR SHARE (schema_pin.cpp).
// A name printed from an OID after this resolves to that OID until the transaction ends,
// and its lock is held already: no statement of flakeid_adopt_checked() waits on it again.
// The largest key is read here too, with the table access method by OID (largest_key.cpp):
// no SQL text reads the table.
//
// Anyone may call it (EXECUTE to PUBLIC): it holds nothing for a caller who does not own
// (or is not a superuser for) the table and every partition and child, and it returns the
// largest key only to such a caller, who could read it anyway (row-level security aside:
// flakeid_adopt_checked() refuses a table under a policy before it shows the key).
// Where it holds nothing it returns NULL, and flakeid_adopt_checked() says why (its checks
// come after: the owner is checked here first, so a role that may not alter the table does
// not queue behind its users); where it holds the table, the result is the largest key, or
// NULL for none. flakeid_adopt_checked() finds the locks it holds in pg_locks by OID.
#include "pg/functions/sql_function.hpp"
#include "pg/adopt/largest_key.hpp"
#include "pg/adopt/schema_pin.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_inherits.h"
#include "nodes/pg_list.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace flakeid::pg {

namespace {

// Whether the current user owns relation `relid` (a superuser owns every one).
bool owns(Oid relid) {
#if PG_VERSION_NUM >= 160000
  return object_ownercheck(RelationRelationId, relid, GetUserId());
#else
  return pg_class_ownercheck(relid, GetUserId());
#endif
}

// Whether flakeid_adopt() could adopt `tbl` at all: a read-write transaction, an existing
// ordinary or partitioned table that is no partition, owned by the caller. Otherwise
// nothing is locked and the caller's checks give the error.
bool may_hold(Oid tbl) {
  if (XactReadOnly || RecoveryInProgress()) return false;
  HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(tbl));
  if (!HeapTupleIsValid(tuple)) return false;
  const Form_pg_class form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
  const bool table =
      (form->relkind == RELKIND_RELATION || form->relkind == RELKIND_PARTITIONED_TABLE) &&
      !form->relispartition;
  ReleaseSysCache(tuple);
  return table && owns(tbl);
}

// The rows of pg_depend whose `which` columns (the referenced or the depending object)
// are (classid, objid): fn is called with each.
template <typename Fn>
void for_each_dependency(Oid index, AttrNumber class_column, AttrNumber object_column, Oid classid,
                         Oid objid, Fn fn) {
  Relation depend = table_open(DependRelationId, AccessShareLock);
  ScanKeyData keys[2];
  ScanKeyInit(&keys[0], class_column, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(classid));
  ScanKeyInit(&keys[1], object_column, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(objid));
  SysScanDesc scan = systable_beginscan(depend, index, true, nullptr, 2, keys);
  for (HeapTuple tuple; HeapTupleIsValid(tuple = systable_getnext(scan));) {
    fn(reinterpret_cast<Form_pg_depend>(GETSTRUCT(tuple)));
  }
  systable_endscan(scan);
  table_close(depend, AccessShareLock);
}

// The sequences the columns of `relid` use, added to `sequences`: those a column owns
// (bigserial: 'a'; identity: 'i') and those a default names (nextval('...')).
List* sequences_of(Oid relid, List* sequences) {
  List* defaults = NIL;
  for_each_dependency(
      DependReferenceIndexId, Anum_pg_depend_refclassid, Anum_pg_depend_refobjid,
      RelationRelationId, relid, [&](Form_pg_depend dep) {
        if (dep->classid == AttrDefaultRelationId) {
          defaults = lappend_oid(defaults, dep->objid);
        } else if (dep->classid == RelationRelationId &&
                   (dep->deptype == DEPENDENCY_AUTO || dep->deptype == DEPENDENCY_INTERNAL) &&
                   get_rel_relkind(dep->objid) == RELKIND_SEQUENCE) {
          sequences = list_append_unique_oid(sequences, dep->objid);
        }
      });
  ListCell* cell;
  foreach (cell, defaults) {
    for_each_dependency(DependDependerIndexId, Anum_pg_depend_classid, Anum_pg_depend_objid,
                        AttrDefaultRelationId, lfirst_oid(cell), [&](Form_pg_depend dep) {
                          if (dep->refclassid == RelationRelationId &&
                              get_rel_relkind(dep->refobjid) == RELKIND_SEQUENCE) {
                            sequences = list_append_unique_oid(sequences, dep->refobjid);
                          }
                        });
  }
  list_free(defaults);
  return sequences;
}

// flakeid_adopt_hold(tbl regclass, key_column name) RETURNS bigint: see the top of the file.
Datum adopt_hold(FunctionCallInfo fcinfo) {
  const Oid tbl = PG_GETARG_OID(0);
  const char* key_column = NameStr(*PG_GETARG_NAME(1));
  if (!may_hold(tbl)) PG_RETURN_NULL();
  LockRelationOid(tbl, AccessExclusiveLock);
  if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(tbl))) {  // dropped while it waited
    UnlockRelationOid(tbl, AccessExclusiveLock);
    PG_RETURN_NULL();
  }
  // tbl first, then every partition and child, each locked (find_all_inheritors locks all
  // but tbl, which is locked above, and skips one dropped while it waited).
  List* members = find_all_inheritors(tbl, AccessExclusiveLock, nullptr);
  ListCell* cell;
  bool all_owned = true;
  foreach (cell, members) all_owned = all_owned && owns(lfirst_oid(cell));
  if (!all_owned) {  // the caller says whose it is; it holds none of them meanwhile
    foreach (cell, members) UnlockRelationOid(lfirst_oid(cell), AccessExclusiveLock);
    PG_RETURN_NULL();
  }
  List* sequences = NIL;
  foreach (cell, members) sequences = sequences_of(lfirst_oid(cell), sequences);
  foreach (cell, sequences) LockRelationOid(lfirst_oid(cell), RowExclusiveLock);
  foreach (cell, members) pin_schema(get_rel_namespace(lfirst_oid(cell)));
  foreach (cell, sequences) {
    const Oid schema = get_rel_namespace(lfirst_oid(cell));
    if (OidIsValid(schema)) pin_schema(schema);  // InvalidOid: dropped while it waited
  }
  pin_schema(get_func_namespace(fcinfo->flinfo->fn_oid));

  bool found = false;
  int64 largest = 0;
  foreach (cell, members) {
    int64 key = 0;
    if (largest_key(lfirst_oid(cell), key_column, &key) && (!found || key > largest)) {
      largest = key;
      found = true;
    }
  }
  list_free(sequences);
  list_free(members);
  if (!found) PG_RETURN_NULL();
  PG_RETURN_INT64(largest);
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_adopt_hold, flakeid::pg::adopt_hold,
                     returns(INT8OID, REGCLASSOID, NAMEOID))
