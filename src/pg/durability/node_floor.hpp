// The floors every generator state is kept above, whichever layout and database use it:
// the node floor, found once per start of the server (and so after a crash or a
// promotion), the Unix ms at or above which no database of the node made an ID before
// the start; and the outside floor, the highest database mark seen since the start that
// came from outside this server (pg_restore, setval()) or that the clock had passed.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// The node floor of this start of the server, found by the first backend that asks.
std::int64_t node_floor_ms();

// The outside floor of this start of the server (0: none yet).
std::int64_t outside_floor_ms();

// Raises the outside floor to `mark_ms`; returns whether it rose.
bool raise_outside_floor(std::int64_t mark_ms);

// The server's mark as this server last wrote it (0 before the node floor is known).
std::int64_t server_reserved_ms();

// Records a new server mark written by a renewal.
void note_server_reserved(std::int64_t mark_ms);

}  // namespace flakeid::pg
