// The durable high-water marks: one per database in the sequence
// @extschema@.flakeid_high_water (WAL-logged, replicated, dumped), one per server in the
// file flakeid_high_water of the data directory (fsynced). The hot path never touches
// them: a backend compares each ID's timestamp with the reservation it last saw, and
// comes here about once a second.
#include "pg/high_water.hpp"

#include <sys/file.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "pg/guard.hpp"
#include "pg/time_convert.hpp"

extern "C" {
#include "access/genam.h"
#include "access/xact.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_extension.h"
#include "access/xlogrecovery.h"  // GetLatestXTime
#include "storage/fd.h"
#include "utils/fmgroids.h"
#include "commands/extension.h"
#include "storage/lmgr.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
}

namespace flakeid::pg {

namespace {

constexpr const char* kSequenceName = "flakeid_high_water";
// The server's own mark, in the data directory: "%020lld\n".
constexpr const char* kServerMarkFile = "flakeid_high_water";
constexpr int kServerMarkWidth = 21;

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
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("flakeid's high-water sequence %s is missing in this database", kSequenceName),
             errdetail("flakeid keeps the database's high-water mark in it, and makes no ID "
                       "it cannot protect."),
             errhint("Create the extension again: DROP EXTENSION flakeid; CREATE EXTENSION "
                     "flakeid.")));
  }
  return sequence;
}

// The user and security context saved while the extension acts as superuser.
struct SavedUser {
  Oid user = InvalidOid;
  int context = 0;
};
FLAKEID_NO_DESTRUCTOR(SavedUser);

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

// Makes sure this database's sequence covers `issued_ms`; returns its reservation.
std::int64_t database_mark_cover(std::int64_t issued_ms) {
  const Oid sequence = sequence_oid();
  // Backends of this database may race to advance it: serialise them, so the sequence
  // only ever moves forward. The lock is dropped at once, not held to commit.
  LockRelationOid(sequence, ShareUpdateExclusiveLock);
  const SavedUser saved = become_superuser();
  std::int64_t reserved = read_sequence(sequence);
  if (issued_ms >= reserved) {
    reserved = issued_ms + kReservationAheadMs;
    DirectFunctionCall2(setval_oid, ObjectIdGetDatum(sequence), Int64GetDatum(reserved));
  }
  // A transaction id makes the commit flush the WAL, and with it the reservation, whether
  // this backend or another wrote it: even a SELECT flakeid_next() hands out no ID whose
  // reservation a crash could lose.
  (void)GetTopTransactionId();
  restore_user(saved);
  UnlockRelationOid(sequence, ShareUpdateExclusiveLock);
  return reserved;
}

// The server's mark file, opened and locked (flock) against the other backends.
int open_server_mark() {
  const int fd = OpenTransientFile(kServerMarkFile, O_RDWR | O_CREAT | PG_BINARY);
  if (fd < 0 || flock(fd, LOCK_EX) != 0) {
    ereport(ERROR,
            (errcode_for_file_access(),
             errmsg("could not open and lock flakeid's mark file \"%s\": %m", kServerMarkFile),
             errhint("flakeid keeps the server's high-water mark in the data directory, "
                     "which the server must be able to write.")));
  }
  return fd;
}

// The mark in an open mark file (0 when it is new or unreadable).
std::int64_t read_server_mark(int fd) {
  char text[kServerMarkWidth + 1] = {0};
  if (pg_pread(fd, text, kServerMarkWidth, 0) != kServerMarkWidth) return 0;
  return strtoll(text, nullptr, 10);
}

}  // namespace

std::int64_t high_water_read() {
  const Oid sequence = sequence_oid();
  const SavedUser saved = become_superuser();
  const std::int64_t value = read_sequence(sequence);
  restore_user(saved);
  return value;
}

std::int64_t high_water_cover(std::int64_t issued_ms) {
  const std::int64_t database_reserved = database_mark_cover(issued_ms);
  const int fd = open_server_mark();
  std::int64_t server_reserved = read_server_mark(fd);
  if (issued_ms >= server_reserved) {
    server_reserved = issued_ms + kReservationAheadMs;
    char text[kServerMarkWidth + 1];
    snprintf(text, sizeof(text), "%020lld\n", static_cast<long long>(server_reserved));
    // One sector, written in place and synced before the ID is handed out.
    if (pg_pwrite(fd, text, kServerMarkWidth, 0) != kServerMarkWidth || pg_fsync(fd) != 0) {
      ereport(ERROR, (errcode_for_file_access(),
                      errmsg("could not write flakeid's mark file \"%s\": %m", kServerMarkFile),
                      errhint("flakeid keeps the server's high-water mark in the data directory, "
                              "which must have room and be writable by the server.")));
    }
  }
  (void)flock(fd, LOCK_UN);
  CloseTransientFile(fd);
  return std::min(database_reserved, server_reserved);
}

std::int64_t server_mark_read() {
  const int fd = open_server_mark();
  const std::int64_t mark = read_server_mark(fd);
  (void)flock(fd, LOCK_UN);
  CloseTransientFile(fd);
  return mark;
}

std::int64_t last_replayed_commit_ms() {
  const TimestampTz replayed = GetLatestXTime();
  return replayed != 0 ? timestamptz_to_unix_ms(replayed) + 1 : 0;
}

}  // namespace flakeid::pg
