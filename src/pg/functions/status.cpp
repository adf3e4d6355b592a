// flakeid_status(): what the generator has done since the server started.
#include "pg/functions/sql_function.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/generator.hpp"
#include "pg/functions/generate.hpp"
#include "pg/durability/marks.hpp"
#include "pg/functions/record.hpp"
#include "pg/errors/errors.hpp"
#include "pg/settings/settings.hpp"
#include "pg/shmem/shared_state.hpp"
#include "pg/functions/time_convert.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<Generator>);

namespace {

// The Unix ms of the last ID a slot handed out (its epoch when none yet). The core's
// generator reads the state word: its bit layout is worked out in one place only.
std::int64_t last_issued_ms(const StateSlot& slot) {
  // Node ids 0 fit every layout, so this cannot fail; the node bits play no part here.
  const Result<Generator> reader = Generator::create(slot.layout, slot.epoch_ms, 0, 0, {});
  return reader.value.unix_ms_at(slot.state.load(std::memory_order_acquire));
}

// What flakeid_status keeps between calls.
struct StatusScan {
  StateTable* table;
  std::int64_t high_water_ms;
  NodeId datacenter;
  NodeId machine;
};
FLAKEID_NO_DESTRUCTOR(StatusScan);

// flakeid_status(): one row per layout and epoch in use on the server. clock_lead: how far
// the state's last ID is ahead of the clock now (0 when it is not).
Datum status(FunctionCallInfo fcinfo) {
  if (SRF_IS_FIRSTCALL()) {
    // It shows the session's node ids and clock policy.
    if (const Rejection* rejected = rejected_setting(kNodeIdsAndClock)) {
      refuse_rejected_setting(*rejected);
    }
    FuncCallContext* funcctx = SRF_FIRSTCALL_INIT();
    const MemoryContext old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
    static const Oid kTypes[] = {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID, INT8OID,
                                 INT8OID, INT8OID,        TIMESTAMPTZOID, INT4OID, TEXTOID,
                                 INT4OID, TEXTOID,        TEXTOID,        INT8OID, INTERVALOID};
    funcctx->tuple_desc = result_tupdesc(fcinfo, kTypes);
    generator_flush_counters();
    generator_publish_clock_lead();
    StatusScan* scan = static_cast<StatusScan*>(palloc0(sizeof(StatusScan)));
    scan->table = shared_state_table();
    scan->high_water_ms = database_mark_read();
    scan->datacenter = datacenter_id_setting();
    scan->machine = machine_id_setting();
    funcctx->user_fctx = scan;
    funcctx->max_calls = scan->table->used.load(std::memory_order_acquire);
    MemoryContextSwitchTo(old);
  }
  FuncCallContext* funcctx = SRF_PERCALL_SETUP();
  if (funcctx->call_cntr >= funcctx->max_calls) SRF_RETURN_DONE(funcctx);
  const StatusScan* scan = static_cast<const StatusScan*>(funcctx->user_fctx);
  const StateSlot& slot = scan->table->slots[funcctx->call_cntr];
  const std::int64_t lead_ms = scan->table->clock_lead.in_force();
  const SlotCounters& c = slot.counters;
  Datum values[] = {
      layout_datum(slot.layout),
      timestamptz_datum(slot.epoch_ms),
      timestamptz_datum(last_issued_ms(slot)),
      Int64GetDatum(static_cast<std::int64_t>(c.ids_issued.load(std::memory_order_relaxed))),
      Int64GetDatum(static_cast<std::int64_t>(c.sequence_waits.load(std::memory_order_relaxed))),
      Int64GetDatum(static_cast<std::int64_t>(c.clock_waits.load(std::memory_order_relaxed))),
      Int64GetDatum(static_cast<std::int64_t>(c.clock_errors.load(std::memory_order_relaxed))),
      timestamptz_datum(scan->high_water_ms),
      Int32GetDatum(static_cast<int32>(scan->datacenter.value)),
      CStringGetTextDatum(node_id_source_name(scan->datacenter.source)),
      Int32GetDatum(static_cast<int32>(scan->machine.value)),
      CStringGetTextDatum(node_id_source_name(scan->machine.source)),
      CStringGetTextDatum(lead_ms > 0 ? "logical" : "wait"),
      Int64GetDatum(static_cast<std::int64_t>(shared_state_size())),
      interval_datum(std::max<std::int64_t>(0, last_issued_ms(slot) - wall_clock_ms())),
  };
  SRF_RETURN_NEXT(funcctx, make_record(funcctx->tuple_desc, values));
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_status, flakeid::pg::status, returns_set(RECORDOID))
