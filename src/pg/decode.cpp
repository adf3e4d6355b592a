// flakeid_decode(id) and flakeid_decode(id, layout, epoch_ms): an ID taken apart.
#include "guard.hpp"

#include "codec.hpp"
#include "epoch.hpp"
#include "errors.hpp"
#include "record.hpp"
#include "settings.hpp"
#include "time_convert.hpp"

namespace flakeid::pg {

namespace {

// The record (raw, timestamp_ms, generated_at, datacenter_id, machine_id, sequence).
Datum decoded_record(FunctionCallInfo fcinfo, const Layout& layout, std::int64_t epoch_ms,
                     std::int64_t id) {
  if (id < 0) report_negative_id(id);
  const Result<Decoded> decoded = decode(layout, epoch_ms, id);
  TimestampTz generated_at = 0;
  if (!decoded.ok() || !unix_ms_to_timestamptz(decoded.value.timestamp_ms, &generated_at)) {
    report_timestamp_out_of_range(id, epoch_ms, decoded.value.fields.timestamp);
  }
  const Fields& f = decoded.value.fields;
  Datum values[] = {
      Int64GetDatum(id),
      Int64GetDatum(decoded.value.timestamp_ms),
      TimestampTzGetDatum(generated_at),
      Int32GetDatum(static_cast<int32>(f.datacenter)),
      Int32GetDatum(static_cast<int32>(f.machine)),
      Int32GetDatum(static_cast<int32>(f.sequence)),
  };
  return make_record(result_tupdesc(fcinfo), values);
}

// flakeid_decode(id): under the database's current layout and epoch.
Datum decode_current(FunctionCallInfo fcinfo) {
  return decoded_record(fcinfo, layout_setting(), epoch_setting_ms(), PG_GETARG_INT64(0));
}

// flakeid_decode(id, layout, epoch_ms): under the layout and epoch given.
Datum decode_with(FunctionCallInfo fcinfo) {
  const char* layout_text = text_to_cstring(PG_GETARG_TEXT_PP(1));
  const Result<Layout> layout = parse_layout(layout_text);
  if (!layout.ok()) report_bad_layout(layout.error, layout_text);
  const std::int64_t epoch_ms = PG_GETARG_INT64(2);
  if (epoch_ms < 0 || epoch_ms > kMaxEpochMs) report_bad_epoch_ms(epoch_ms);
  return decoded_record(fcinfo, layout.value, epoch_ms, PG_GETARG_INT64(0));
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_decode, flakeid::pg::decode_current)
FLAKEID_SQL_FUNCTION(flakeid_decode_with, flakeid::pg::decode_with)
