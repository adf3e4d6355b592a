// The durable marks, as stored: one per database in the sequence
// @extschema@.flakeid_high_water (WAL-logged, replicated, dumped), one per server in the
// file flakeid_high_water of the data directory (mark_file.cpp: checked, written durably). The hot
// path never touches them; resume.cpp reads them when a backend starts using a generator state and
// renews them about once a second.
#include "pg/durability/marks.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "pg/functions/sql_function.hpp"
#include "pg/durability/superuser.hpp"
#include "pg/durability/mark_file.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
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
FLAKEID_NO_DESTRUCTOR(MarkRecord);

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

// The OID of this database's mark sequence as the catalogs show it now; InvalidOid
// when the extension or the sequence is missing. Found by OID: the extension's schema by
// its OID (a renamed schema changes nothing), and only the extension's own member counts
// (a sequence of that name another role made there is never read or set as the superuser).
Oid find_sequence() {
  const Oid extension = get_extension_oid("flakeid", true);
  const Oid schema = OidIsValid(extension) ? extension_schema(extension) : InvalidOid;
  const Oid sequence = OidIsValid(schema) ? get_relname_relid(kSequenceName, schema) : InvalidOid;
  if (!OidIsValid(sequence) || getExtensionOfObject(RelationRelationId, sequence) != extension) {
    return InvalidOid;
  }
  return sequence;
}

// Raises the error of a database whose mark sequence is missing.
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

// This server's identity as the mark file records it: its system identifier, the
// timeline it writes WAL on, the device and inode of its data directory (a copy of the
// directory has others), and the label of the base backup it last started from.
//
// Why the label: the file is not in the WAL, so it speaks for the IDs in the WAL only when
// it was written after them or by the server that wrote them, as it went. node_floor.cpp
// trusts it alone only after a start that replayed no WAL (the signal it relies on). The
// label covers one more case: a server started from a base backup (through its
// backup_label, which the startup process renames to backup_label.old before it replays a
// record), stopped cleanly before its first ID and started again replays nothing; its
// backup_label.old still holds that backup's label, whose start WAL location and time are
// this backup's alone, so the copied file, written before the backup began or copied into
// it, does not record its checksum. A file records it only once the server started from
// the backup has written it (node_floor.cpp does, after reading the marks of every
// database). A deleted backup_label.old reads as none: then only the replay tells.
MarkRecord this_server(std::int64_t mark_ms) {
  MarkRecord me;
  me.restore = restore_label_checksum();
  me.mark_ms = mark_ms;
  me.system = GetSystemIdentifier();
  me.timeline = GetWALInsertionTimeLine();
  struct stat st;
  if (stat(DataDir, &st) == 0) {
    me.device = static_cast<std::uint64_t>(st.st_dev);
    me.inode = static_cast<std::uint64_t>(st.st_ino);
  }
  return me;
}

// Whether the mark file was written by this server: of the current format (an older one
// names no server, or cannot be checked), with this server's identity.
bool written_here(const MarkFile& file) {
  const MarkRecord me = this_server(0);
  return file.checked && file.record.system == me.system && file.record.timeline == me.timeline &&
         file.record.device == me.device && file.record.inode == me.inode &&
         file.record.restore == me.restore;
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
  // As the superuser: the caller may have no right on the sequence. The call is bound by
  // OID, and reads the sequence by OID.
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
  // As the superuser, bound by OID, as database_mark_value().
  const SavedUser saved = become_superuser();
  DirectFunctionCall2(setval_oid, ObjectIdGetDatum(sequence), Int64GetDatum(mark_ms));
  restore_user(saved);
  // A transaction id makes the commit flush the WAL, and with it the mark: even a SELECT
  // flakeid_next() hands out no ID whose reservation a crash could lose.
  (void)GetTopTransactionId();
}

std::int64_t database_mark_read() {
  const Oid sequence = database_mark_lock(AccessShareLock, false);
  const std::int64_t value = database_mark_value(sequence);
  database_mark_unlock(sequence, AccessShareLock);
  return value;
}

ServerMark server_mark_read() {
  const MarkFile file = mark_file_read();
  ServerMark found;
  found.mark_ms = file.record.mark_ms;
  found.this_server = written_here(file);
  return found;
}

std::int64_t server_mark_cover(std::int64_t mark_ms) {
  mark_file_lock();
  std::int64_t mark = mark_file_read().record.mark_ms;
  if (mark < mark_ms) {
    mark = mark_ms;
    mark_file_write(this_server(mark));
  }
  mark_file_unlock();
  return mark;
}

std::int64_t server_mark_claim(std::int64_t floor_ms) {
  mark_file_lock();
  const std::int64_t mark = std::max(mark_file_read().record.mark_ms, floor_ms);
  mark_file_write(this_server(mark));
  mark_file_unlock();
  return mark;
}

}  // namespace flakeid::pg
