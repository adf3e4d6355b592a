// The glue's shared memory for resuming above the durable marks (src/pg/durability/resume.cpp):
// what this start of the server has learnt about the marks, shared by every backend. It lives
// beside the generator states (src/core/state_table.hpp), in the same allocation, and like
// them must be valid as all-zero bytes (the spinlock aside, which shared_state.cpp sets up).
#pragma once

#include "pg/postgres.hpp"

extern "C" {
#include "storage/spin.h"
}

#include <cstdint>

namespace flakeid::pg {

// What this server last wrote into one database's mark since it started (mark_book.cpp).
struct DatabaseMarkEntry {
  Oid database;              // InvalidOid: a free entry
  std::int64_t written_ms;   // the value this server last wrote there
  std::int64_t previous_ms;  // the one before, still there until the new one is written
};

// The answer of the one background worker awaited at a time (mark_scan.cpp).
struct ScanAnswer {
  std::uint64_t ticket;  // the worker whose answer is awaited; 0: none
  bool answered;
  std::int64_t mark_ms;  // its database's mark, 0 where flakeid is not installed
};

// Everything the resume shares, under one spinlock: each access copies a few fields or
// scans the small table of databases, never more.
struct ResumeShared {
  static constexpr int kDatabases = 256;

  slock_t lock;
  // The node floor (node_floor.cpp): no ID any database of the node made before this start
  // of the server (or its promotion) is at or above it. Found once per start.
  bool node_floor_known;
  std::int64_t node_floor_ms;
  // The outside floor: the highest value any database's mark was seen to hold from outside
  // this server (pg_restore, setval()) since it started. Every state is kept above it.
  std::int64_t outside_floor_ms;
  // The server's mark file as last written: no ID of this server is at or above it, and no
  // value this server wrote into a database's mark either.
  std::int64_t server_reserved_ms;
  // Until when values this server wrote into a database's mark may be missing from the
  // book (mark_book.cpp): the highest such value written while the book was full.
  std::int64_t book_full_until_ms;
  std::uint64_t last_ticket;
  ScanAnswer scan;
  DatabaseMarkEntry databases[kDatabases];
};

}  // namespace flakeid::pg
