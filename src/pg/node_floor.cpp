// The node floor. The server's mark file covers every ID this server has made, in every
// database, so after a restart or a crash it is the floor, and reading it costs one file.
// The file is trusted only when it names this server: its system identifier, the timeline
// it writes WAL on, its data directory, and the base backup it last started from
// (high_water.cpp). After a promotion (a new timeline), a recovery from a base backup (a
// copied directory: another inode; or, put back in place, another backup_label.old), a
// file of an older flakeid or none at all, the file cannot speak for the IDs in the WAL
// this server replayed: then the floor
// is the highest mark of every database (mark_scan.cpp), each of which is in the WAL and
// covers every ID its database committed, wherever it was made. The file is then written
// as this server's, so the next restart reads the file alone.
#include "pg/node_floor.hpp"

#include <algorithm>

extern "C" {
#include "catalog/pg_extension.h"
#include "storage/lmgr.h"
}

#include "pg/guard.hpp"
#include "pg/high_water.hpp"
#include "pg/mark_scan.hpp"
#include "pg/shared_state.hpp"

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

}  // namespace

std::int64_t node_floor_ms() {
  std::int64_t floor_ms = 0;
  if (known_floor(&floor_ms)) return floor_ms;
  // One backend finds it, the others wait for it on a lock of the whole server (no
  // object of that class has OID 0), which a cancel or an error releases.
  LockSharedObject(ExtensionRelationId, InvalidOid, 0, ExclusiveLock);
  if (!known_floor(&floor_ms)) {
    const ServerMark file = server_mark_read();
    floor_ms = file.this_server ? file.mark_ms : std::max(file.mark_ms, scan_database_marks());
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
