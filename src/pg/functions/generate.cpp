// flakeid_next() and flakeid_next_ids(count): the per-call path. Resuming above the
// durable marks and renewing them is resume.cpp's; this file calls it when a backend
// starts using a generator state and about once a second.
#include "pg/functions/sql_function.hpp"

extern "C" {
#include "access/xact.h"
#include "tcop/utility.h"
#include "utils/inval.h"
}

#include <new>

#include "core/clock.hpp"
#include "core/fair_share.hpp"
#include "pg/errors/errors.hpp"
#include "pg/functions/generate.hpp"
#include "core/generator.hpp"
#include "pg/durability/resume.hpp"
#include "pg/settings/settings.hpp"
#include "pg/shmem/shared_state.hpp"
#include "pg/functions/wait.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<Generator>);
FLAKEID_NO_DESTRUCTOR(Generator);
FLAKEID_NO_DESTRUCTOR(Step);
FLAKEID_NO_DESTRUCTOR(ClockPolicy);
FLAKEID_NO_DESTRUCTOR(Renewal);
FLAKEID_NO_DESTRUCTOR(Request);
FLAKEID_NO_DESTRUCTOR(FairShare);
FLAKEID_NO_DESTRUCTOR(StateLead);

namespace {

// What a call makes IDs with: the generator of the settings in force when it started and
// the shared state word that generator advances.
struct Active {
  Generator generator;
  StateSlot* slot = nullptr;
  StateLead lead;  // the server's, shared by every slot, as this slot sees it
  std::int64_t tolerance_ms = 0;
};
FLAKEID_NO_DESTRUCTOR(Active);

// The generator of the current settings. Resolved again only when a setting changes, so
// a call does no parsing and no lookup.
Active active;

// The settings generation `active` was resolved at (0: never).
std::uint64_t active_generation = 0;
// The reload of the configuration files (PgReloadTime) the active generator was resolved
// after: a reload may bring a value that PostgreSQL refuses and flakeid must not work around.
TimestampTz active_reload = 0;

// The earlier of this database's and the server's marks, as this backend last
// saw them: IDs below it are covered by durable reservations; the first ID at or above it
// renews them.
std::int64_t reserved_until_ms = 0;

// Relcache callback: when the mark sequence the reservation was taken from is dropped
// or altered (DROP EXTENSION; CREATE EXTENSION starts a new one at 0), or every relation
// is invalidated, the reservation no longer holds: the next ID renews it into the sequence
// in force, so no ID is committed above its database's mark. Off the hot path.
void forget_reservation(Datum, Oid relid) noexcept {
  if (relid == InvalidOid || relid == reservation_sequence()) reserved_until_ms = 0;
}

// The slots this backend has resumed above the marks (a bit per slot index): each
// (database, state) pair is checked the first time a session uses it.
std::uint64_t resumed_slots = 0;

// IDs this backend made from `counted_slot` and has not yet added to its shared counter:
// adding each one there would put a second atomic instruction on the hot path.
StateSlot* counted_slot = nullptr;
std::uint64_t unflushed_ids = 0;

// Adds the IDs this backend made to their slot's shared counter.
void flush_counters() noexcept {
  if (counted_slot != nullptr && unflushed_ids != 0) {
    counted_slot->counters.ids_issued.fetch_add(unflushed_ids, std::memory_order_relaxed);
    unflushed_ids = 0;
  }
}

// before_shmem_exit callback: the counts of a backend that ends are not lost.
void flush_counters_at_exit(int, Datum) noexcept {
  flush_counters();
}

// Counts `count` IDs made from `slot`.
inline void count_ids(StateSlot* slot, std::uint64_t count) {
  if (unlikely(slot != counted_slot)) {
    flush_counters();
    counted_slot = slot;
  }
  unflushed_ids += count;
}

// The clock lead this backend last put in force (-1: none yet).
std::int64_t published_lead = -1;

// Puts the server's clock lead, as this backend's settings give it, in force for every
// state. Only a change is written: a backend whose settings have not been reloaded yet
// never puts an old lead back.
void publish_clock_lead() {
  const std::int64_t lead = clock_lead_setting();
  if (lead == published_lead) return;
  shared_state_table()->set_clock_lead(lead, wall_clock_ms);
  published_lead = lead;
}

// Builds the generator for the current settings, finds its shared slot, and resumes the
// slot above the durable marks the first time this backend uses it.
void resolve_settings() {
  const std::uint64_t generation = settings_generation();
  const TimestampTz reload = PgReloadTime;
  if (const Rejection* rejected = rejected_setting(kAllSettings)) {
    refuse_rejected_setting(*rejected);
  }
  const Layout& layout = layout_setting();
  const NodeId datacenter = datacenter_id_setting();
  const NodeId machine = machine_id_setting();
  for (const NodeId* id : {&datacenter, &machine}) {
    if (id->error != Error::kOk) {
      report_setup_error(id->error, layout, 0, id->env_name, id->env_text);
    }
  }
  const ClockPolicy policy = clock_policy_setting();
  const Result<Generator> made =
      Generator::create(layout, epoch_setting_ms(), datacenter.value, machine.value, policy);
  if (!made.ok()) {
    const NodeId& bad = made.error == Error::kDatacenterIdRange ? datacenter : machine;
    report_setup_error(made.error, layout, static_cast<std::int64_t>(bad.value), bad.env_name, "");
  }
  StateTable* table = shared_state_table();
  StateSlot* slot = table->find_or_claim(layout, epoch_setting_ms());
  if (slot == nullptr) {
    ereport(ERROR, (errcode(ERRCODE_FLAKEID_TOO_MANY_LAYOUTS),
                    errmsg("too many flakeid layouts in use on this server"),
                    errdetail("The server keeps the state of at most %u distinct layout and epoch "
                              "pairs until it restarts.",
                              StateTable::kSlots),
                    errhint("Use fewer distinct flakeid.layout and flakeid.epoch values.")));
  }
  if (slot == active.slot && made.value.node_bits() != active.generator.node_bits()) {
    // The node bits sit above the sequence: the same state with other node bits (a node id
    // reloaded, the node bits split otherwise) could give an ID below this backend's last
    // one in the same millisecond. Start the next millisecond instead.
    Generator::advance(slot->state,
                       made.value.value_of_next_ms(slot->state.load(std::memory_order_acquire)));
  }
  publish_clock_lead();
  const std::uint64_t slot_bit = std::uint64_t{1} << table->index_of(slot);
  if ((resumed_slots & slot_bit) == 0) {
    reserved_until_ms = resume_state(made.value, slot, policy.tolerance_ms);
    resumed_slots |= slot_bit;
  }
  static bool callbacks_registered = false;
  if (!callbacks_registered) {
    before_shmem_exit(flush_counters_at_exit, 0);
    CacheRegisterRelcacheCallback(forget_reservation, 0);
    callbacks_registered = true;
  }
  active.generator = made.value;
  active.slot = slot;
  active.lead = table->lead_of(slot);
  active.tolerance_ms = policy.tolerance_ms;
  active_generation = generation;
  active_reload = reload;
}

// The active generator, resolved first when a setting has changed.
inline const Active& current() {
  if (unlikely(active_generation != settings_generation() || active_reload != PgReloadTime)) {
    resolve_settings();
  }
  return active;
}

// What a reservation that issued nothing does: waits out a used-up millisecond, a small
// clock step back or a short lead (a single ID spins for the last microseconds, not to be
// late for the next millisecond; a bulk call sleeps, so it does not win every millisecond
// from the single ones), or raises the step's error.
void wait_or_report(const Active& a, const Step& step, std::int64_t now_ms, bool single) {
  SlotCounters& counters = a.slot->counters;
  flush_counters();
  if (step.kind == Step::Kind::kWait) {
    (step.behind_ms > 0 ? counters.clock_waits : counters.sequence_waits)
        .fetch_add(1, std::memory_order_relaxed);
    wait_until(step.until_ms, single);
    return;
  }
  if (step.error == Error::kClockMovedBackwards || step.error == Error::kAheadByLead) {
    counters.clock_errors.fetch_add(1, std::memory_order_relaxed);
  }
  report_step_error(step, a.generator, now_ms, a.tolerance_ms, a.lead.lead->in_force());
}

// Reserves up to `want` IDs from `a`, waiting out used-up milliseconds, small clock steps
// back and short leads, and renews the durable reservation when the IDs reach it. A
// failure is an error. kBulk: a bulk call, whose view of the others on its state (`fair`)
// sets the share of each millisecond it takes; a single ID takes what it finds, and is
// compiled apart, with none of the sharing on its path.
template <bool kBulk>
Step reserve(const Active& a, std::uint64_t want, FairShare* fair) {
  Request request{want, Share::kAll};
  while (true) {
    std::int64_t now_ms = 0;
    if constexpr (kBulk) request.share = fair->share();
    const Step step = a.generator.reserve_with_clock(
        a.slot->state, a.lead, [&now_ms] { return now_ms = wall_clock_ms(); }, request);
    if (likely(step.kind == Step::Kind::kIssued)) {
      if constexpr (kBulk) fair->note(step, now_ms);
      const std::int64_t last_ms = a.generator.unix_ms_at(step.first + step.count - 1);
      if (unlikely(last_ms >= reserved_until_ms)) {
        flush_counters();  // about once a second
        const Renewal renewal = renew_reservation(a.generator, a.slot, last_ms, a.tolerance_ms);
        if (renewal.retry) continue;  // below a mark raised from outside: never handed out
        reserved_until_ms = renewal.reserved_until_ms;
      }
      count_ids(a.slot, step.count);
      return step;
    }
    wait_or_report(a, step, now_ms, !kBulk);
  }
}

// The generator for a call that makes IDs: like nextval(), refused where the durable
// reservation cannot be written (read-only transactions, standbys, parallel workers).
const Active& current_for_write(const char* function) {
  PreventCommandIfReadOnly(function);
  PreventCommandIfParallelMode(function);
  return current();
}

// flakeid_next(): one new ID.
Datum next(FunctionCallInfo) {
  const Active& a = current_for_write("flakeid_next()");
  return Int64GetDatum(a.generator.id_at(reserve<false>(a, 1, nullptr).first));
}

// What flakeid_next_ids keeps between calls: the generator it started with, the IDs still
// owed, the block reserved and whom it has seen beside it.
struct Batch {
  Active pinned;       // every ID of the call comes from it, whatever the settings do
  std::uint64_t owed;  // IDs not yet reserved
  std::uint64_t next;  // state value of the next ID to return
  std::uint64_t end;   // one past the last reserved state value
  FairShare fair;      // the others it has seen take IDs from its state
};
FLAKEID_NO_DESTRUCTOR(Batch);

// flakeid_next_ids(count): `count` new IDs, strictly increasing, reserved a block at a
// time as the rows are read: half of what a millisecond has left, and less while others
// take IDs too (see FairShare), so a bulk call never keeps the other callers of its state
// waiting for more than the next millisecond.
Datum next_ids(FunctionCallInfo fcinfo) {
  if (SRF_IS_FIRSTCALL()) {
    const int32 count = PG_GETARG_INT32(0);
    if (count < 0) {
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("flakeid_next_ids count must not be negative: %d", count),
                      errhint("Ask for 0 or more IDs; 0 returns no rows.")));
    }
    const Active& a = current_for_write("flakeid_next_ids()");
    FuncCallContext* funcctx = SRF_FIRSTCALL_INIT();
    void* memory = MemoryContextAllocZero(funcctx->multi_call_memory_ctx, sizeof(Batch));
    funcctx->user_fctx = new (memory) Batch{a, static_cast<std::uint64_t>(count), 0, 0, {}};
  }
  FuncCallContext* funcctx = SRF_PERCALL_SETUP();
  Batch* batch = static_cast<Batch*>(funcctx->user_fctx);
  if (batch->next == batch->end) {
    if (batch->owed == 0) SRF_RETURN_DONE(funcctx);
    const Step step = reserve<true>(batch->pinned, batch->owed, &batch->fair);
    batch->next = step.first;
    batch->end = step.first + step.count;
    batch->owed -= step.count;
  }
  SRF_RETURN_NEXT(funcctx, Int64GetDatum(batch->pinned.generator.id_at(batch->next++)));
}

}  // namespace

void generator_flush_counters() {
  flush_counters();
}

void generator_publish_clock_lead() {
  publish_clock_lead();
}

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_next, flakeid::pg::next, returns(INT8OID))
FLAKEID_SQL_FUNCTION(flakeid_next_ids, flakeid::pg::next_ids, returns_set(INT8OID, INT4OID))
