// What the rest of the glue needs from the generator's SQL functions (generate.cpp).
#pragma once

namespace flakeid::pg {

// Adds the IDs this backend made to the shared counters, for flakeid_status(): the hot
// path counts them locally and flushes about once a second.
void generator_flush_counters();

// Puts the clock lead of this backend's settings (flakeid.clock_policy,
// flakeid.max_clock_lead_ms) in force for every state of the server, if it changed.
void generator_publish_clock_lead();

}  // namespace flakeid::pg
