// The node floor. The server's mark file covers every ID this server has made, in every
// database, so after a clean restart it is the floor, and reading it costs one file. The
// file is trusted only when it names this server (its system identifier, the timeline it
// writes WAL on, its data directory, and the base backup it last started from:
// marks.cpp) and this start of the server replayed no WAL. Otherwise (a crash, a
// promotion, a recovery from a base backup into a new directory or back into its own, a
// file of an older flakeid or none at all) the file may not speak for the IDs in the WAL
// this server replayed: then the floor is the higher of the file's mark and the highest
// mark of every database (mark_scan.cpp), each of which is in the WAL and covers every ID
// its database committed, wherever it was made. The file is then written as this server's,
// so the next clean restart reads the file alone.
#include "pg/durability/node_floor.hpp"

#include <algorithm>

extern "C" {
#include "access/xlogrecovery.h"
#include "catalog/pg_extension.h"
#include "storage/lmgr.h"
}

#include "pg/functions/sql_function.hpp"
#include "pg/durability/marks.hpp"
#include "pg/durability/mark_scan.hpp"
#include "pg/shmem/shared_state.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(ServerMark);

namespace {

// The node floor if it is known yet.
bool known_floor(std::int64_t* floor_ms) {
  ResumeShared* shared = shared_resume();
  SpinLockAcquire(&shared->lock);
  const bool known = shared->node_floor_known;
  *floor_ms = shared->node_floor_ms;
  SpinLockRelease(&shared->lock);
  return known;
}

// Whether the mark file can speak for the WAL this start of the server replayed: whether
// the startup process replayed none. The signal is PostgreSQL's own record of this start:
// the end of the WAL replayed (GetXLogReplayRecPtr(), pg_last_wal_replay_lsn()) is
// invalid unless the startup process replayed WAL since the postmaster started or last
// reinitialised shared memory after a crash (documented: "when the server has been
// started normally without recovery, the function returns NULL"). It lives in shared
// memory set up by each start, so no file a user deletes or a backup copies changes it.
// Why it holds: a start that replays nothing begins at a shutdown checkpoint with no WAL
// after it, so the WAL and the data directory are as the server left them when it
// stopped, its mark file among them (written before any ID it covers). A start that
// replays WAL may replay WAL the file never saw: a base backup copies the file at some
// moment of the copy, and its WAL runs on to the backup's end; neither backup_label.old
// (a file anyone may delete before the first ID: attack20 H1) nor backup_label (which a
// restore may lose, and PostgreSQL then replays from the copied pg_control as after a
// crash: H1b) is needed for this signal. A crash cannot be told from such a copy, so
// every start that replayed WAL reads the marks of every database, once.
bool start_replayed_no_wal() {
  return XLogRecPtrIsInvalid(GetXLogReplayRecPtr(nullptr));
}

}  // namespace

std::int64_t node_floor_ms() {
  std::int64_t floor_ms = 0;
  if (known_floor(&floor_ms)) return floor_ms;
  // One backend finds it, the others wait for it on a lock of the whole server (no
  // object of that class has OID 0), which a cancel or an error releases.
  LockSharedObject(ExtensionRelationId, InvalidOid, 0, ExclusiveLock);
  if (!known_floor(&floor_ms)) {
    const ServerMark file = server_mark_read();
    floor_ms = file.this_server && start_replayed_no_wal()
                   ? file.mark_ms
                   : std::max(file.mark_ms, scan_database_marks());
    const std::int64_t mark_ms = server_mark_claim(floor_ms);
    ResumeShared* shared = shared_resume();
    SpinLockAcquire(&shared->lock);
    shared->node_floor_ms = floor_ms;
    shared->server_reserved_ms = std::max(shared->server_reserved_ms, mark_ms);
    shared->node_floor_known = true;
    SpinLockRelease(&shared->lock);
  }
  UnlockSharedObject(ExtensionRelationId, InvalidOid, 0, ExclusiveLock);
  return floor_ms;
}

std::int64_t outside_floor_ms() {
  ResumeShared* shared = shared_resume();
  SpinLockAcquire(&shared->lock);
  const std::int64_t floor_ms = shared->outside_floor_ms;
  SpinLockRelease(&shared->lock);
  return floor_ms;
}

bool raise_outside_floor(std::int64_t mark_ms) {
  ResumeShared* shared = shared_resume();
  SpinLockAcquire(&shared->lock);
  const bool rises = mark_ms > shared->outside_floor_ms;
  if (rises) shared->outside_floor_ms = mark_ms;
  SpinLockRelease(&shared->lock);
  return rises;
}

std::int64_t server_reserved_ms() {
  ResumeShared* shared = shared_resume();
  SpinLockAcquire(&shared->lock);
  const std::int64_t mark_ms = shared->server_reserved_ms;
  SpinLockRelease(&shared->lock);
  return mark_ms;
}

void note_server_reserved(std::int64_t mark_ms) {
  ResumeShared* shared = shared_resume();
  SpinLockAcquire(&shared->lock);
  shared->server_reserved_ms = std::max(shared->server_reserved_ms, mark_ms);
  SpinLockRelease(&shared->lock);
}

}  // namespace flakeid::pg
