// The durable marks, as stored: reservations of time ahead of the IDs handed
// out. One per database, in a sequence owned by the extension (PostgreSQL makes it durable
// in the WAL, replicates it and dumps it); one per server, in a file of the data directory
// (written anew, synced and renamed into place before any ID it covers is handed out). What they
// are for, and when each is read, is resume.cpp's business; this file only reads and writes them.
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "storage/lockdefs.h"
}

#include <cstdint>

namespace flakeid::pg {

// How far ahead of the IDs in use the reservation runs.
constexpr std::int64_t kReservationAheadMs = 1000;

// Locks this database's mark sequence in `mode` and returns it. It is looked up
// again once the lock is held, so a concurrent DROP EXTENSION (and CREATE EXTENSION) is
// seen: the new sequence is taken, or, when there is none, InvalidOid if `missing_ok`,
// else the error 55000.
Oid database_mark_lock(LOCKMODE mode, bool missing_ok);

// Releases the lock taken by database_mark_lock().
void database_mark_unlock(Oid sequence, LOCKMODE mode);

// The value of a locked mark sequence, in Unix ms: no ID of the database has a
// timestamp at or above it. An error when the sequence has no value (is_called false).
std::int64_t database_mark_value(Oid sequence);

// Sets a locked mark sequence to `mark_ms` (one WAL record). The transaction takes
// an id, so that its commit flushes the record.
void database_mark_set(Oid sequence, std::int64_t mark_ms);

// This database's mark in Unix ms (for flakeid_status()).
std::int64_t database_mark_read();

// The server's mark file as found in the data directory.
struct ServerMark {
  std::int64_t mark_ms = 0;  // 0 when there is no file
  // Whether it names this server: its system identifier, timeline, data directory and the
  // base backup it last started from. A file copied with the data directory into another
  // one, or left from before a promotion, does not; nor does one of an older format. A
  // copy put back into the same directory may (its backup_label.old deleted): node_floor.cpp
  // trusts the file alone only after a start that replayed no WAL.
  bool this_server = false;
};

// Reads the server's mark file: an error when it cannot be read, XX001 when it fails its
// check (mark_file.hpp).
ServerMark server_mark_read();

// Makes sure the server's mark is at least `mark_ms`: writes it there (a new file, synced
// and renamed over the old) when it is below. Returns the mark.
std::int64_t server_mark_cover(std::int64_t mark_ms);

// Writes the server's mark file as this server's, with a mark of at least `floor_ms`.
// Returns the mark.
std::int64_t server_mark_claim(std::int64_t floor_ms);

}  // namespace flakeid::pg
