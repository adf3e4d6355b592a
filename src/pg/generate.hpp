// What the rest of the glue needs from the generator's SQL functions (generate.cpp).
#pragma once

namespace flakeid::pg {

// Adds the IDs this backend made to the shared counters, for flakeid_status(): the hot
// path counts them locally and flushes about once a second.
void generator_flush_counters();

}  // namespace flakeid::pg
