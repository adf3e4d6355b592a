// flakeid's shared memory: the table of generator states and the resume's bookkeeping.
//
// It must work right after CREATE EXTENSION, without a restart, so it cannot rely on
// shared_preload_libraries. Up to PostgreSQL 16 the first backend that needs the table
// carves it out of the main segment with ShmemInitStruct, under AddinShmemInitLock: the
// server keeps about 100 kB spare for such late requests, and flakeid takes about 10 kB.
// When the library is preloaded, it asks for the room up front instead. From 17 on, the
// DSM registry gives a named segment to the first backend that asks.
#include "pg/shmem/shared_state.hpp"

#include "core/mark_record.hpp"

#include <cstddef>
#include <cstring>
#include <new>

#include "pg/errors/errors.hpp"

namespace flakeid::pg {

namespace {

constexpr const char* kSegmentName = "flakeid state table";

// The layout of SharedState. A server keeps its shared memory while a package upgrade
// replaces the library under it: backends that load the new library must not read the
// old library's state as theirs, nor make a second state beside it (old and new backends
// would then hand out the same IDs). The version is raised by hand when a field changes
// meaning; the sizes catch what a change of size shows.
// (test/t/041 builds libraries of another format and of another size to see them refused.)
#ifndef FLAKEID_SHARED_FORMAT_VERSION
#define FLAKEID_SHARED_FORMAT_VERSION 1
#endif
#ifndef FLAKEID_SHARED_EXTRA_BYTES
#define FLAKEID_SHARED_EXTRA_BYTES 0
#endif
constexpr std::uint32_t kSharedFormatVersion = FLAKEID_SHARED_FORMAT_VERSION;
// The bytes asked for: the structure (and, only in test/t/041's build, a few more).
constexpr Size kSharedBytes = sizeof(SharedState) + FLAKEID_SHARED_EXTRA_BYTES;
// The mark file's format counts too: backends of two libraries that write the file in
// two ways (in place, or a new file renamed over it) must not run on one server.
constexpr std::uint64_t kSharedFormat =
    (std::uint64_t{kSharedFormatVersion} << 48) ^ (std::uint64_t{sizeof(SharedState)} << 24) ^
    (std::uint64_t{sizeof(StateSlot)} << 12) ^ std::uint64_t{offsetof(SharedState, resume)} ^
    (std::uint64_t{kMarkFormat} << 56);

SharedState* shared = nullptr;

#if PG_VERSION_NUM < 170000
shmem_request_hook_type prev_shmem_request_hook = nullptr;

// shmem_request_hook: reserves the table's room in the main segment.
void request_shmem() noexcept {
  if (prev_shmem_request_hook != nullptr) prev_shmem_request_hook();
  RequestAddinShmemSpace(shared_state_size());
}

shmem_startup_hook_type prev_shmem_startup_hook = nullptr;

// shmem_startup_hook: creates the table at server start, so it is there (and listed in
// pg_shmem_allocations) before any backend asks for an ID.
void startup_shmem() noexcept {
  if (prev_shmem_startup_hook != nullptr) prev_shmem_startup_hook();
  shared = nullptr;  // after a crash the postmaster builds a new segment: forget the old one
  (void)shared_state_table();
}
#endif

// Builds an empty table and bookkeeping in freshly allocated shared memory.
void init_table(void* memory) noexcept {
  std::memset(memory, 0, kSharedBytes);
  SharedState* state = new (memory) SharedState();
  state->format = kSharedFormat;
  SpinLockInit(&state->resume.lock);
}

// Refuses shared memory that another build of the library made: the server must restart
// before the new library can make IDs. `server_error` is what PostgreSQL said when the
// sizes differ; otherwise (nullptr) the sizes agree and `format_in_use` does not.
[[noreturn]] void report_foreign_format(const char* server_error, std::uint64_t format_in_use) {
  ereport(ERROR,
          (errcode(ERRCODE_FLAKEID_SHARED_STATE_FORMAT),
           errmsg("flakeid's shared memory was made by another build of the flakeid library"),
           server_error != nullptr
               ? errdetail("The running server holds a \"%s\" of another size: %s", kSegmentName,
                           server_error)
               : errdetail("The running server holds a \"%s\" of format %llx; this library uses "
                           "format %llx.",
                           kSegmentName, static_cast<unsigned long long>(format_in_use),
                           static_cast<unsigned long long>(kSharedFormat)),
           errhint("Restart the server to finish installing the new flakeid library: until then "
                   "sessions that loaded the old library keep making IDs from the old state.")));
  pg_unreachable();
}

// Whether `error`, raised while finding or making the named allocation, says that it exists
// with another size: an internal error (no SQLSTATE of its own) whose untranslated message
// is the one ShmemInitStruct (up to 16) or GetNamedDSMSegment (17 and later) raises then.
bool is_size_mismatch(const ErrorData* error) noexcept {
  if (error->sqlerrcode != ERRCODE_INTERNAL_ERROR || error->message_id == nullptr) return false;
#if PG_VERSION_NUM >= 170000
  return strcmp(error->message_id,
                "requested DSM segment size does not match size of existing segment") == 0;
#else
  return strcmp(error->message_id,
                "ShmemIndex entry size is wrong for data structure \"%s\": expected %zu, "
                "actual %zu") == 0;
#endif
}

// Finds or makes the named allocation: ShmemInitStruct (main segment) up to 16, the DSM
// registry from 17. Either raises an internal error when the allocation exists with
// another size: that error, and only that one, becomes flakeid's own (FL011). Any other
// (out of shared memory, no DSM segment left) is raised again as itself.
void* attach(bool* found) {
  MemoryContext context = CurrentMemoryContext;
  void* memory = nullptr;
  PG_TRY();
  {
#if PG_VERSION_NUM >= 170000
    memory = GetNamedDSMSegment(kSegmentName, kSharedBytes, init_table, found);
#else
    LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
    memory = ShmemInitStruct(kSegmentName, kSharedBytes, found);
    if (!*found) init_table(memory);
    LWLockRelease(AddinShmemInitLock);
#endif
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(context);
    ErrorData* error = CopyErrorData();
    if (!is_size_mismatch(error)) PG_RE_THROW();
    FlushErrorState();
    report_foreign_format(error->message, 0);  // error recovery releases AddinShmemInitLock
  }
  PG_END_TRY();
  return memory;
}

// flakeid's shared memory, created by the first backend that needs it.
SharedState* shared_state() {
  if (shared != nullptr) return shared;
  bool found = false;
  SharedState* memory = static_cast<SharedState*>(attach(&found));
  if (memory->format != kSharedFormat) report_foreign_format(nullptr, memory->format);
  shared = memory;
  return shared;
}

}  // namespace

void shared_state_request() noexcept {
#if PG_VERSION_NUM >= 170000
  // The DSM registry needs no reservation.
#else
  prev_shmem_request_hook = shmem_request_hook;
  shmem_request_hook = request_shmem;
  prev_shmem_startup_hook = shmem_startup_hook;
  shmem_startup_hook = startup_shmem;
#endif
}

StateTable* shared_state_table() {
  return &shared_state()->states;
}

ResumeShared* shared_resume() {
  return &shared_state()->resume;
}

Size shared_state_size() {
  return MAXALIGN(kSharedBytes);
}

}  // namespace flakeid::pg
