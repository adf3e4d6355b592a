// flakeid_key_overlaps(): which layouts and epochs in use on this server can give the same
// ID. Each pair of a layout and an epoch has a generator state of its own, and nothing but
// their bits keeps two of them apart (core/key_overlap.hpp): a database whose settings
// make IDs that can equal another database's sees it here. The key spaces compared are the
// caller's settings and every state the server has used since it started, under the
// server's node ids.
#include "pg/functions/sql_function.hpp"

#include "core/key_overlap.hpp"
#include "pg/functions/record.hpp"
#include "pg/errors/errors.hpp"
#include "pg/settings/settings.hpp"
#include "pg/shmem/shared_state.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(KeyOverlap);

namespace {

// A layout and an epoch.
struct KeySpace {
  Layout layout;
  std::int64_t epoch_ms;
};
FLAKEID_NO_DESTRUCTOR(KeySpace);

// One row: two key spaces whose IDs can be equal.
struct OverlapRow {
  KeySpace a;
  KeySpace b;
  KeyOverlap overlap;
};
FLAKEID_NO_DESTRUCTOR(OverlapRow);

// What the function keeps between calls.
struct OverlapScan {
  OverlapRow* rows;
  std::size_t count;
};
FLAKEID_NO_DESTRUCTOR(OverlapScan);

// The caller's settings first, then every other state in use (palloc'd); their number.
std::size_t key_spaces(KeySpace** out) {
  StateTable* table = shared_state_table();
  const std::uint32_t used = table->used.load(std::memory_order_acquire);
  KeySpace* spaces = static_cast<KeySpace*>(palloc(sizeof(KeySpace) * (used + 1)));
  std::size_t count = 0;
  spaces[count++] = {layout_setting(), epoch_setting_ms()};
  for (std::uint32_t i = 0; i < used; ++i) {
    const StateSlot& slot = table->slots[i];
    if (slot.layout == spaces[0].layout && slot.epoch_ms == spaces[0].epoch_ms) continue;
    spaces[count++] = {slot.layout, slot.epoch_ms};
  }
  *out = spaces;
  return count;
}

// The pairs of key spaces whose IDs can be equal, under the server's node ids.
OverlapScan find_overlaps() {
  if (const Rejection* rejected = rejected_setting(kAllSettings)) {
    refuse_rejected_setting(*rejected);
  }
  const NodeId datacenter = datacenter_id_setting();
  const NodeId machine = machine_id_setting();
  for (const NodeId* id : {&datacenter, &machine}) {
    if (id->error != Error::kOk) {
      report_setup_error(id->error, layout_setting(), 0, id->env_name, id->env_text);
    }
  }
  KeySpace* spaces = nullptr;
  const std::size_t count = key_spaces(&spaces);
  OverlapScan scan{static_cast<OverlapRow*>(palloc(sizeof(OverlapRow) * (count * count + 1))), 0};
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = i + 1; j < count; ++j) {
      const KeyOverlap overlap = key_overlap(spaces[i].layout, spaces[i].epoch_ms, spaces[j].layout,
                                             spaces[j].epoch_ms, datacenter.value, machine.value);
      if (overlap.kind == Overlap::kNone) continue;
      // The earlier first: apart is how much later the other makes the equal ID.
      if (overlap.apart_ms < 0) {
        scan.rows[scan.count++] = {spaces[j], spaces[i], {overlap.kind, -overlap.apart_ms}};
      } else {
        scan.rows[scan.count++] = {spaces[i], spaces[j], overlap};
      }
    }
  }
  return scan;
}

// flakeid_key_overlaps(): (layout, epoch, other_layout, other_epoch, same_time, apart).
// same_time: equal IDs are made in the same millisecond and decode to the same time and
// node; apart: how much later the other key space makes an ID equal to one of the first
// (NULL when that varies: other timestamp widths).
Datum key_overlaps(FunctionCallInfo fcinfo) {
  if (SRF_IS_FIRSTCALL()) {
    FuncCallContext* funcctx = SRF_FIRSTCALL_INIT();
    const MemoryContext old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
    static const Oid kTypes[] = {TEXTOID,        TIMESTAMPTZOID, TEXTOID,
                                 TIMESTAMPTZOID, BOOLOID,        INTERVALOID};
    funcctx->tuple_desc = result_tupdesc(fcinfo, kTypes);
    OverlapScan* scan = static_cast<OverlapScan*>(palloc(sizeof(OverlapScan)));
    *scan = find_overlaps();
    funcctx->user_fctx = scan;
    funcctx->max_calls = scan->count;
    MemoryContextSwitchTo(old);
  }
  FuncCallContext* funcctx = SRF_PERCALL_SETUP();
  if (funcctx->call_cntr >= funcctx->max_calls) SRF_RETURN_DONE(funcctx);
  const OverlapScan* scan = static_cast<const OverlapScan*>(funcctx->user_fctx);
  const OverlapRow& row = scan->rows[funcctx->call_cntr];
  const bool varies = row.overlap.kind == Overlap::kOtherTimes;
  Datum values[] = {
      layout_datum(row.a.layout),
      timestamptz_datum(row.a.epoch_ms),
      layout_datum(row.b.layout),
      timestamptz_datum(row.b.epoch_ms),
      BoolGetDatum(row.overlap.kind == Overlap::kSameTime),
      varies ? Datum(0) : interval_datum(row.overlap.apart_ms),
  };
  bool nulls[] = {false, false, false, false, false, varies};
  SRF_RETURN_NEXT(funcctx, form_record(funcctx->tuple_desc, values, nulls, 6));
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_key_overlaps, flakeid::pg::key_overlaps, returns_set(RECORDOID))
