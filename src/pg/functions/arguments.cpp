// Reading a layout and an epoch passed as arguments.
#include "pg/functions/arguments.hpp"

#include "core/epoch.hpp"
#include "pg/errors/errors.hpp"
#include "pg/settings/settings.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<Layout>);

Layout layout_arg(FunctionCallInfo fcinfo, int layout_arg) {
  const char* layout_text = text_to_cstring(PG_GETARG_TEXT_PP(layout_arg));
  const Result<Layout> layout = parse_layout(layout_text);
  if (!layout.ok()) report_bad_layout(layout.error, layout_text);
  return layout.value;
}

LayoutAndEpoch layout_and_epoch_args(FunctionCallInfo fcinfo, int layout_arg) {
  const Layout layout = pg::layout_arg(fcinfo, layout_arg);
  const std::int64_t epoch_ms = PG_GETARG_INT64(layout_arg + 1);
  if (epoch_ms < 0 || epoch_ms > kMaxEpochMs) report_bad_epoch_ms(epoch_ms);
  return {layout, epoch_ms};
}

LayoutAndEpoch current_layout_and_epoch() {
  if (const Rejection* rejected = rejected_setting(kLayoutAndEpoch)) {
    refuse_rejected_setting(*rejected);
  }
  return {layout_setting(), epoch_setting_ms()};
}

}  // namespace flakeid::pg
