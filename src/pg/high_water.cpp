// The durable high-water marks, as stored: one per database in the sequence
// @extschema@.flakeid_high_water (WAL-logged, replicated, dumped), one per server in the
// file flakeid_high_water of the data directory (fsynced). The hot path never touches
// them; resume.cpp reads them when a backend starts using a generator state and renews
// them about once a second.
#include "pg/high_water.hpp"

#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "pg/guard.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/indexing.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "storage/fd.h"
#include "storage/lmgr.h"
#include "utils/fmgroids.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
}

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(ServerMark);

namespace {

constexpr const char* kSequenceName = "flakeid_high_water";
constexpr const char* kServerMarkFile = "flakeid_high_water";
// The server mark file: the mark, then the server that wrote it (system identifier,
// timeline, device and inode of the data directory), in fixed-width fields.
constexpr const char* kServerMarkFormat =
    "%020" PRId64 " %020" PRIu64 " %08X %016" PRIX64 " %016" PRIX64 "\n";
constexpr int kServerMarkLength = 20 + 1 + 20 + 1 + 8 + 1 + 16 + 1 + 16 + 1;
// The format of flakeid 1.0 and 1.1: the mark alone ("%020lld\n").
constexpr int kOldServerMarkLength = 21;

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

// The OID of this database's high-water sequence as the catalogs show it now; InvalidOid
// when the extension or the sequence is missing.
Oid find_sequence() {
  const Oid extension = get_extension_oid("flakeid", true);
  const Oid schema = OidIsValid(extension) ? extension_schema(extension) : InvalidOid;
  return OidIsValid(schema) ? get_relname_relid(kSequenceName, schema) : InvalidOid;
}

// Raises the error of a database whose high-water sequence is missing.
[[noreturn]] void report_missing_sequence() {
  ereport(ERROR,
          (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
           errmsg("flakeid's high-water sequence %s is missing in this database", kSequenceName),
           errdetail("flakeid keeps the database's high-water mark in it, and makes no ID "
                     "it cannot protect."),
           errhint("Create the extension again: DROP EXTENSION flakeid; CREATE EXTENSION "
                   "flakeid.")));
  pg_unreachable();
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

// Who writes the server mark file: this server's identity as the file records it.
struct ServerIdentity {
  std::uint64_t system = 0;
  std::uint32_t timeline = 0;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
};
FLAKEID_NO_DESTRUCTOR(ServerIdentity);

// This server's identity: its system identifier, the timeline it writes WAL on, and the
// device and inode of its data directory (a copy of the directory has others).
ServerIdentity this_server() {
  ServerIdentity id;
  id.system = GetSystemIdentifier();
  id.timeline = GetWALInsertionTimeLine();
  struct stat st;
  if (stat(DataDir, &st) == 0) {
    id.device = static_cast<std::uint64_t>(st.st_dev);
    id.inode = static_cast<std::uint64_t>(st.st_ino);
  }
  return id;
}

// The server mark file, opened and locked (flock) against the other backends.
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

// Unlocks and closes the server mark file.
void close_server_mark(int fd) {
  (void)flock(fd, LOCK_UN);
  CloseTransientFile(fd);
}

// The contents of an open server mark file.
ServerMark parse_server_mark(int fd) {
  char text[kServerMarkLength + 2] = {0};
  const ssize_t length = pg_pread(fd, text, kServerMarkLength + 1, 0);
  ServerMark found;
  std::int64_t mark = 0;
  ServerIdentity id;
  unsigned int timeline = 0;
  if (length == kServerMarkLength &&
      sscanf(text, "%" SCNd64 " %" SCNu64 " %X %" SCNx64 " %" SCNx64, &mark, &id.system, &timeline,
             &id.device, &id.inode) == 5) {
    const ServerIdentity me = this_server();
    found.mark_ms = mark;
    found.this_server = id.system == me.system && timeline == me.timeline &&
                        id.device == me.device && id.inode == me.inode;
  } else if (length == kOldServerMarkLength && sscanf(text, "%" SCNd64, &mark) == 1) {
    found.mark_ms = mark;  // flakeid 1.1's format: a mark, but no word on who wrote it
  }
  return found;
}

// Writes the mark with this server's identity into an open mark file, synced before any
// ID it covers is handed out.
void write_server_mark(int fd, std::int64_t mark_ms) {
  const ServerIdentity me = this_server();
  char text[kServerMarkLength + 1];
  snprintf(text, sizeof(text), kServerMarkFormat, mark_ms, me.system, me.timeline, me.device,
           me.inode);
  // One sector, written in place.
  if (pg_pwrite(fd, text, kServerMarkLength, 0) != kServerMarkLength || pg_fsync(fd) != 0) {
    ereport(ERROR, (errcode_for_file_access(),
                    errmsg("could not write flakeid's mark file \"%s\": %m", kServerMarkFile),
                    errhint("flakeid keeps the server's high-water mark in the data directory, "
                            "which must have room and be writable by the server.")));
  }
}

}  // namespace

Oid database_mark_lock(LOCKMODE mode, bool missing_ok) {
  while (true) {
    const Oid sequence = find_sequence();
    if (!OidIsValid(sequence)) {
      if (missing_ok) return InvalidOid;
      report_missing_sequence();
    }
    // Taking the lock processes the invalidations of whatever committed while we waited
    // (a DROP EXTENSION): the catalogs now show whether this is still the sequence.
    LockRelationOid(sequence, mode);
    if (find_sequence() == sequence) return sequence;
    UnlockRelationOid(sequence, mode);
  }
}

void database_mark_unlock(Oid sequence, LOCKMODE mode) {
  UnlockRelationOid(sequence, mode);
}

std::int64_t database_mark_value(Oid sequence) {
  const SavedUser saved = become_superuser();
  LOCAL_FCINFO(fcinfo, 1);
  InitFunctionCallInfoData(*fcinfo, nullptr, 1, InvalidOid, nullptr, nullptr);
  fcinfo->args[0].value = ObjectIdGetDatum(sequence);
  fcinfo->args[0].isnull = false;
  const Datum value = pg_sequence_last_value(fcinfo);
  restore_user(saved);
  if (fcinfo->isnull) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("flakeid's high-water sequence %s has no value", kSequenceName),
                    errdetail("It was set with is_called = false; flakeid makes no ID it cannot "
                              "place above the database's mark."),
                    errhint("Set it with is_called = true: SELECT setval('%s', <Unix ms>, true).",
                            kSequenceName)));
  }
  return DatumGetInt64(value);
}

void database_mark_set(Oid sequence, std::int64_t mark_ms) {
  const SavedUser saved = become_superuser();
  DirectFunctionCall2(setval_oid, ObjectIdGetDatum(sequence), Int64GetDatum(mark_ms));
  restore_user(saved);
  // A transaction id makes the commit flush the WAL, and with it the mark: even a SELECT
  // flakeid_next() hands out no ID whose reservation a crash could lose.
  (void)GetTopTransactionId();
}

std::int64_t high_water_read() {
  const Oid sequence = database_mark_lock(AccessShareLock, false);
  const std::int64_t value = database_mark_value(sequence);
  database_mark_unlock(sequence, AccessShareLock);
  return value;
}

ServerMark server_mark_read() {
  const int fd = open_server_mark();
  const ServerMark found = parse_server_mark(fd);
  close_server_mark(fd);
  return found;
}

std::int64_t server_mark_cover(std::int64_t mark_ms) {
  const int fd = open_server_mark();
  std::int64_t mark = parse_server_mark(fd).mark_ms;
  if (mark < mark_ms) {
    mark = mark_ms;
    write_server_mark(fd, mark);
  }
  close_server_mark(fd);
  return mark;
}

std::int64_t server_mark_claim(std::int64_t floor_ms) {
  const int fd = open_server_mark();
  const std::int64_t mark = std::max(parse_server_mark(fd).mark_ms, floor_ms);
  write_server_mark(fd, mark);
  close_server_mark(fd);
  return mark;
}

}  // namespace flakeid::pg
