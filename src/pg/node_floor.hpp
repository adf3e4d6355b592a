// The node floor: once per start of the server (and so after a crash or a promotion), the
// Unix ms at or above which no database of the node has made an ID before it. Every
// generator state starts above it, whichever layout and database use it first.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// The node floor of this start of the server, found by the first backend that asks.
std::int64_t node_floor_ms();

// The server's mark as this server last wrote it (0 before the node floor is known).
std::int64_t server_reserved_ms();

// Records a new server mark written by a renewal.
void note_server_reserved(std::int64_t mark_ms);

}  // namespace flakeid::pg
