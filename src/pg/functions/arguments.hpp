// Reading a layout and an epoch passed as arguments to the IMMUTABLE forms of the SQL
// functions, with the same checks and errors as the settings.
#pragma once

#include "pg/functions/sql_function.hpp"

#include <cstdint>

#include "core/layout.hpp"

namespace flakeid::pg {

// A layout and epoch to work under.
struct LayoutAndEpoch {
  Layout layout;
  std::int64_t epoch_ms;
};
FLAKEID_NO_DESTRUCTOR(LayoutAndEpoch);

// The layout text at argument `layout_arg` and the epoch (Unix ms) after it; raises a
// clear error when either is bad.
LayoutAndEpoch layout_and_epoch_args(FunctionCallInfo fcinfo, int layout_arg);

// The layout text at argument `layout_arg`; raises a clear error when it is bad.
Layout layout_arg(FunctionCallInfo fcinfo, int layout_arg);

// The database's current layout and epoch (flakeid.layout, flakeid.epoch); raises the
// refusal when either holds a value PostgreSQL refused when flakeid was loaded.
LayoutAndEpoch current_layout_and_epoch();

}  // namespace flakeid::pg
