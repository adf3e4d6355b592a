// The generator states shared by every backend of the server (see state_table.hpp).
#pragma once

#include "pg/postgres.hpp"

#include "core/state_table.hpp"

namespace flakeid::pg {

// Asks for room in the main shared memory segment; called from _PG_init when the library
// is preloaded (without preloading, the small table fits in the slack the server keeps).
void shared_state_request() noexcept;

// The server's table of generator states, created by the first backend that needs it.
StateTable* shared_state_table();

// Bytes of shared memory flakeid uses.
Size shared_state_size();

}  // namespace flakeid::pg
