// What flakeid keeps in shared memory: the generator states (the core's state_table.hpp)
// and, beside them, the glue's bookkeeping of the resume (resume_shared.hpp).
#pragma once

#include "pg/postgres.hpp"

#include "core/state_table.hpp"
#include "pg/durability/resume_shared.hpp"

namespace flakeid::pg {

// flakeid's one allocation of shared memory.
struct SharedState {
  // The layout of this structure, as the library that made it knew it (kSharedFormat in
  // shared_state.cpp). A library of another layout must not use it.
  std::uint64_t format;
  StateTable states;
  ResumeShared resume;
};

// Asks for room in the main shared memory segment; called from _PG_init when the library
// is preloaded (without preloading, the small table fits in the slack the server keeps).
void shared_state_request() noexcept;

// The server's table of generator states, created by the first backend that needs it.
StateTable* shared_state_table();

// The resume's shared bookkeeping, created with the table.
ResumeShared* shared_resume();

// Bytes of shared memory flakeid uses.
Size shared_state_size();

}  // namespace flakeid::pg
