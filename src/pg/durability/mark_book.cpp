// The book of the database marks this server wrote. It holds only what it must: an entry
// matters while its value is ahead of the clock (a value the clock has passed is a floor
// anyway), so an entry whose written value the clock has passed is free for another
// database. A dropped database's entry frees itself within a second, and the book stays a
// fixed size however many databases come and go.
#include "pg/durability/mark_book.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "pg/shmem/shared_state.hpp"

namespace flakeid::pg {

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

bool mark_is_floor(Oid database, std::int64_t value_ms, std::int64_t server_mark_ms,
                   std::int64_t now_ms) {
  if (value_ms <= now_ms) return true;
  ResumeShared* shared = shared_resume();
  SpinLockAcquire(&shared->lock);
  const DatabaseMarkEntry* entry = find_entry(shared, database);
  bool floor = true;
  // NOLINTNEXTLINE(bugprone-branch-clone): two reasons, each named
  if (entry != nullptr && (value_ms == entry->written_ms || value_ms == entry->previous_ms)) {
    floor = false;  // this server's own reservation
  } else if (value_ms <= shared->book_full_until_ms && value_ms <= server_mark_ms) {
    floor = false;  // perhaps one the full book could not hold
  }
  SpinLockRelease(&shared->lock);
  return floor;
}

void mark_book_note(Oid database, std::int64_t written_ms) {
  ResumeShared* shared = shared_resume();
  const std::int64_t now_ms = wall_clock_ms();
  SpinLockAcquire(&shared->lock);
  DatabaseMarkEntry* entry = find_entry(shared, database);
  if (entry != nullptr) {
    entry->previous_ms = entry->written_ms;
  } else {
    entry = free_entry(shared, now_ms);
    if (entry != nullptr) {
      entry->database = database;
      entry->previous_ms = 0;
    }
  }
  if (entry != nullptr) {
    entry->written_ms = written_ms;
  } else {
    shared->book_full_until_ms = std::max(shared->book_full_until_ms, written_ms);
  }
  SpinLockRelease(&shared->lock);
}

}  // namespace flakeid::pg
