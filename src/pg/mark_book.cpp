// The book of the database marks this server wrote. It holds only what it must: an entry
// matters while its database's mark is ahead of the clock (a value the clock has passed is
// no floor worth waiting for), so an entry whose written value the clock has passed is
// free for another database. A dropped database's entry frees itself within a second, and
// the book stays a fixed size however many databases come and go; when every entry is in
// use, a database without one is treated as if its mark came from outside, which is safe
// and costs a new session at most a wait for its mark.
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

MarkOrigin mark_book_look(Oid database, std::int64_t value_ms) {
  ResumeShared* shared = shared_resume();
  MarkOrigin origin;
  SpinLockAcquire(&shared->lock);
  const DatabaseMarkEntry* entry = find_entry(shared, database);
  const bool written_here = entry != nullptr && entry->written_ms == value_ms;
  origin.outside_ms = written_here ? entry->outside_ms : value_ms;
  if (entry != nullptr) origin.outside_ms = std::max(origin.outside_ms, entry->outside_ms);
  SpinLockRelease(&shared->lock);
  return origin;
}

void mark_book_note(Oid database, std::int64_t written_ms, std::int64_t outside_ms) {
  ResumeShared* shared = shared_resume();
  const std::int64_t now_ms = wall_clock_ms();
  SpinLockAcquire(&shared->lock);
  DatabaseMarkEntry* entry = find_entry(shared, database);
  if (entry == nullptr) entry = free_entry(shared, now_ms);
  if (entry != nullptr) {
    entry->outside_ms =
        entry->database == database ? std::max(entry->outside_ms, outside_ms) : outside_ms;
    entry->database = database;
    entry->written_ms = written_ms;
  }
  SpinLockRelease(&shared->lock);
}

}  // namespace flakeid::pg
