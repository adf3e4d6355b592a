// flakeid's shared memory: the table of generator states and the resume's bookkeeping.
//
// It must work right after CREATE EXTENSION, without a restart, so it cannot rely on
// shared_preload_libraries. Up to PostgreSQL 16 the first backend that needs the table
// carves it out of the main segment with ShmemInitStruct, under AddinShmemInitLock: the
// server keeps about 100 kB spare for such late requests, and flakeid takes about 12 kB.
// When the library is preloaded, it asks for the room up front instead. From 17 on, the
// DSM registry gives a named segment to the first backend that asks.
#include "pg/shared_state.hpp"

#include <cstring>
#include <new>

namespace flakeid::pg {

namespace {

constexpr const char* kSegmentName = "flakeid state table";

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
  std::memset(memory, 0, sizeof(SharedState));
  SharedState* state = new (memory) SharedState();
  SpinLockInit(&state->resume.lock);
}

// flakeid's shared memory, created by the first backend that needs it.
SharedState* shared_state() {
  if (shared != nullptr) return shared;
  bool found = false;
#if PG_VERSION_NUM >= 170000
  void* memory = GetNamedDSMSegment(kSegmentName, sizeof(SharedState), init_table, &found);
#else
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  void* memory = ShmemInitStruct(kSegmentName, sizeof(SharedState), &found);
  if (!found) init_table(memory);
  LWLockRelease(AddinShmemInitLock);
#endif
  shared = static_cast<SharedState*>(memory);
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
  return MAXALIGN(sizeof(SharedState));
}

}  // namespace flakeid::pg
