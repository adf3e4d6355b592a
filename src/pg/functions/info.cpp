// flakeid_capacity() and flakeid_layouts(): what the layouts are and what they can hold.
#include "pg/functions/sql_function.hpp"

#include "core/codec.hpp"
#include "pg/functions/arguments.hpp"
#include "pg/functions/record.hpp"
#include "pg/functions/time_convert.hpp"

#include <iterator>

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Capacity);

namespace {

// The result columns of flakeid_capacity() up to 1.4; 1.5 adds js_unsafe_from.
constexpr int kCapacityColumnsBefore15 = 11;

// flakeid_capacity(): the current layout's limits, with its epoch, the date it ends and
// the first moment its IDs can reach 2^53 (NULL beyond PostgreSQL's calendar). Declared
// as 1.0-1.4 declare it (an extension not yet updated to 1.5), it returns their 11 columns.
Datum capacity_of_current(FunctionCallInfo fcinfo) {
  const LayoutAndEpoch current = current_layout_and_epoch();
  const Layout& layout = current.layout;
  const std::int64_t epoch_ms = current.epoch_ms;
  const Capacity c = capacity(layout, epoch_ms);
  TimestampTz epoch = 0;
  TimestampTz ends_at = 0;
  (void)unix_ms_to_timestamptz(epoch_ms, &epoch);  // the epoch is at most 9999-12-31
  if (c.last_ms_overflows || !unix_ms_to_timestamptz(c.last_ms, &ends_at)) {
    ends_at = DT_NOEND;  // the range outlasts PostgreSQL's calendar: 'infinity'
  }
  TimestampTz js_unsafe_from = 0;
  const bool js_unsafe_known = unix_ms_to_timestamptz(c.js_unsafe_ms, &js_unsafe_from);
  const char* name = preset_name(layout);
  Datum values[] = {
      Float8GetDatum(c.years),
      Int64GetDatum(static_cast<std::int64_t>(c.nodes)),
      Int64GetDatum(static_cast<std::int64_t>(c.ids_per_sec)),
      Int64GetDatum(static_cast<std::int64_t>(c.ids_per_ms)),
      CStringGetTextDatum(name != nullptr ? name : "custom"),
      Int32GetDatum(layout.timestamp_bits),
      Int32GetDatum(layout.datacenter_bits),
      Int32GetDatum(layout.machine_bits),
      Int32GetDatum(layout.sequence_bits),
      TimestampTzGetDatum(epoch),
      TimestampTzGetDatum(ends_at),
      TimestampTzGetDatum(js_unsafe_from),
  };
  bool nulls[std::size(values)] = {};
  nulls[kCapacityColumnsBefore15] = !js_unsafe_known;
  static const Oid kTypes[] = {FLOAT8OID, INT8OID,        INT8OID,        INT8OID,
                               TEXTOID,   INT4OID,        INT4OID,        INT4OID,
                               INT4OID,   TIMESTAMPTZOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
  static_assert(std::size(kTypes) == std::size(values), "a type per column");
  TupleDesc declared = nullptr;
  const bool before_15 = get_call_result_type(fcinfo, nullptr, &declared) == TYPEFUNC_COMPOSITE &&
                         declared->natts == kCapacityColumnsBefore15;
  const std::size_t columns = before_15 ? kCapacityColumnsBefore15 : std::size(values);
  return form_record(checked_result_tupdesc(fcinfo, kTypes, columns), values, nulls, columns);
}

// flakeid_layouts(): one row per preset.
Datum layouts(FunctionCallInfo fcinfo) {
  if (SRF_IS_FIRSTCALL()) {
    FuncCallContext* funcctx = SRF_FIRSTCALL_INIT();
    const MemoryContext old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
    static const Oid kTypes[] = {TEXTOID, INT4OID, INT4OID, INT4OID, INT4OID, TEXTOID};
    funcctx->tuple_desc = result_tupdesc(fcinfo, kTypes);
    funcctx->max_calls = kPresets.size();
    MemoryContextSwitchTo(old);
  }
  FuncCallContext* funcctx = SRF_PERCALL_SETUP();
  if (funcctx->call_cntr >= funcctx->max_calls) SRF_RETURN_DONE(funcctx);
  const Preset& preset = kPresets[funcctx->call_cntr];
  Datum values[] = {
      CStringGetTextDatum(preset.name),
      Int32GetDatum(preset.layout.timestamp_bits),
      Int32GetDatum(preset.layout.datacenter_bits),
      Int32GetDatum(preset.layout.machine_bits),
      Int32GetDatum(preset.layout.sequence_bits),
      CStringGetTextDatum(preset.purpose),
  };
  SRF_RETURN_NEXT(funcctx, make_record(funcctx->tuple_desc, values));
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_capacity, flakeid::pg::capacity_of_current, returns(RECORDOID))
FLAKEID_SQL_FUNCTION(flakeid_layouts, flakeid::pg::layouts, returns_set(RECORDOID))
