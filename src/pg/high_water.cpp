// The durable high-water mark, kept in the sequence @extschema@.flakeid_high_water of each
// database. The hot path never touches it: a backend compares each ID's timestamp with
// the reservation it last saw, and comes here about once a second.
#include "high_water.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_extension.h"
#include "utils/fmgroids.h"
#include "commands/extension.h"
#include "storage/lmgr.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
}

namespace flakeid::pg {

namespace {

constexpr const char* kSequenceName = "flakeid_high_water";

// The schema flakeid is installed in (get_extension_schema() is exported from 16 on).
Oid extension_schema(Oid extension) {
#if PG_VERSION_NUM >= 160000
  return get_extension_schema(extension);
#else
  Relation rel = table_open(ExtensionRelationId, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
              ObjectIdGetDatum(extension));
  SysScanDesc scan = systable_beginscan(rel, ExtensionOidIndexId, true, nullptr, 1, &key);
  const HeapTuple tuple = systable_getnext(scan);
  const Oid schema = HeapTupleIsValid(tuple)
                         ? reinterpret_cast<Form_pg_extension>(GETSTRUCT(tuple))->extnamespace
                         : InvalidOid;
  systable_endscan(scan);
  table_close(rel, AccessShareLock);
  return schema;
#endif
}

// The OID of this database's high-water sequence.
Oid sequence_oid() {
  const Oid extension = get_extension_oid("flakeid", true);
  const Oid schema = OidIsValid(extension) ? extension_schema(extension) : InvalidOid;
  const Oid sequence = OidIsValid(schema) ? get_relname_relid(kSequenceName, schema) : InvalidOid;
  if (!OidIsValid(sequence)) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("flakeid is not installed in this database"),
                    errdetail("flakeid keeps its high-water mark in the sequence %s, which "
                              "CREATE EXTENSION flakeid makes.",
                              kSequenceName),
                    errhint("Run CREATE EXTENSION flakeid in this database.")));
  }
  return sequence;
}

// The user and security context saved while the extension acts as superuser.
struct SavedUser {
  Oid user = InvalidOid;
  int context = 0;
};

// Switches to the bootstrap superuser: every role may make IDs, but only the extension
// may read and move its high-water mark. (Plain functions, not a C++ guard object: a
// PostgreSQL error in between must not skip a destructor. Aborting the transaction
// restores the user by itself.)
SavedUser become_superuser() {
  SavedUser saved;
  GetUserIdAndSecContext(&saved.user, &saved.context);
  SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID, saved.context | SECURITY_LOCAL_USERID_CHANGE);
  return saved;
}

// Switches back to the user saved by become_superuser().
void restore_user(const SavedUser& saved) {
  SetUserIdAndSecContext(saved.user, saved.context);
}

// The sequence's value (the install script sets it, so it is never NULL).
std::int64_t read_sequence(Oid sequence) {
  return DatumGetInt64(DirectFunctionCall1(pg_sequence_last_value, ObjectIdGetDatum(sequence)));
}

}  // namespace

// This database's high-water mark in Unix ms.
std::int64_t high_water_read() {
  const Oid sequence = sequence_oid();
  const SavedUser saved = become_superuser();
  const std::int64_t value = read_sequence(sequence);
  restore_user(saved);
  return value;
}

// Makes sure the reservation covers `issued_ms`; returns the reservation in force.
std::int64_t high_water_cover(std::int64_t issued_ms) {
  const Oid sequence = sequence_oid();
  // Backends of this database may race to advance it: serialise them, so the sequence
  // only ever moves forward. The lock is dropped at once, not held to commit.
  LockRelationOid(sequence, ShareUpdateExclusiveLock);
  const SavedUser saved = become_superuser();
  std::int64_t reserved = read_sequence(sequence);
  if (issued_ms >= reserved) {
    reserved = issued_ms + kReservationAheadMs;
    // setval writes WAL and takes a transaction id, so the commit of any row holding an
    // ID below `reserved` flushes the reservation first.
    DirectFunctionCall2(setval_oid, ObjectIdGetDatum(sequence), Int64GetDatum(reserved));
  }
  restore_user(saved);
  UnlockRelationOid(sequence, ShareUpdateExclusiveLock);
  return reserved;
}

}  // namespace flakeid::pg
