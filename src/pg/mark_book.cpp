// The book of the database marks this server wrote. It holds only what it must: an entry
// matters while its database's mark is ahead of the clock, so an entry whose written value
// the clock has passed is free for another database. A dropped database's entry frees
// itself within a second, and the book stays a fixed size however many databases come and
// go. A database without an entry (more databases than entries renewing within a second)
// falls back to the server's mark alone: a value above it still counts as from outside,
// one at or below it as this server's own. Only a setval() or restore into such a
// database, to a value below the server's mark, could then go unnoticed.
#include "pg/mark_book.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "pg/guard.hpp"
#include "pg/shared_state.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(MarkOrigin);

namespace {

// The entry of `database`, or nullptr. Called with the lock held.
DatabaseMarkEntry* find_entry(ResumeShared* shared, Oid database) {
  for (DatabaseMarkEntry& entry : shared->databases) {
    if (entry.database == database) return &entry;
  }
  return nullptr;
}

// An entry no database needs any more, or nullptr. Called with the lock held.
DatabaseMarkEntry* free_entry(ResumeShared* shared, std::int64_t now_ms) {
  for (DatabaseMarkEntry& entry : shared->databases) {
    if (entry.database == InvalidOid || entry.written_ms <= now_ms) return &entry;
  }
  return nullptr;
}

}  // namespace

MarkOrigin mark_book_look(Oid database, std::int64_t value_ms, std::int64_t server_mark_ms) {
  ResumeShared* shared = shared_resume();
  MarkOrigin origin;
  SpinLockAcquire(&shared->lock);
  const DatabaseMarkEntry* entry = find_entry(shared, database);
  if (entry != nullptr) {
    const bool written_here = value_ms == entry->written_ms || value_ms == entry->previous_ms;
    origin.outside_ms = written_here ? entry->outside_ms : std::max(value_ms, entry->outside_ms);
  } else if (value_ms > server_mark_ms) {
    origin.outside_ms = value_ms;
  }
  SpinLockRelease(&shared->lock);
  return origin;
}

void mark_book_note(Oid database, std::int64_t written_ms, std::int64_t outside_ms) {
  ResumeShared* shared = shared_resume();
  const std::int64_t now_ms = wall_clock_ms();
  SpinLockAcquire(&shared->lock);
  DatabaseMarkEntry* entry = find_entry(shared, database);
  if (entry != nullptr) {
    entry->previous_ms = entry->written_ms;
    entry->outside_ms = std::max(entry->outside_ms, outside_ms);
  } else {
    entry = free_entry(shared, now_ms);
    if (entry != nullptr) {
      entry->database = database;
      entry->previous_ms = 0;
      entry->outside_ms = outside_ms;
    }
  }
  if (entry != nullptr) entry->written_ms = written_ms;
  SpinLockRelease(&shared->lock);
}

}  // namespace flakeid::pg
