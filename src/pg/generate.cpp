// flakeid_next() and flakeid_next_ids(count): the hot path, and the waits off it.
#include "pg/guard.hpp"

extern "C" {
#include "access/xact.h"
#include "tcop/utility.h"
}

#include <algorithm>
#include <new>

#include "core/clock.hpp"
#include "core/fair_share.hpp"
#include "core/generator.hpp"
#include "pg/generate.hpp"
#include "pg/high_water.hpp"
#include "pg/report.hpp"
#include "pg/settings.hpp"
#include "pg/shared_state.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<Generator>);
FLAKEID_NO_DESTRUCTOR(Generator);
FLAKEID_NO_DESTRUCTOR(Step);
FLAKEID_NO_DESTRUCTOR(ClockPolicy);
FLAKEID_NO_DESTRUCTOR(Request);
FLAKEID_NO_DESTRUCTOR(FairShare);

namespace {

// The generator of the current settings and the shared state word it advances. Resolved
// again only when a setting changes, so a call does no parsing and no lookup.
struct Active {
  Generator generator;
  StateSlot* slot = nullptr;
  const ClockLead* lead = nullptr;  // the server's, shared by every slot
  std::int64_t tolerance_ms = 0;
  // The settings generation this was resolved at (0: never).
  std::uint64_t settings_generation = 0;
  // The earlier of this database's and the server's high-water marks, as this backend
  // last saw them: IDs below it are covered by durable reservations; the first ID at or
  // above it renews them.
  std::int64_t reserved_until_ms = 0;
  // IDs this backend made and has not yet added to the slot's counter: adding each one
  // there would put a second atomic instruction on the hot path.
  std::uint64_t unflushed_ids = 0;
};
FLAKEID_NO_DESTRUCTOR(Active);

Active active;

// Adds the IDs this backend made to its slot's shared counter.
void flush_counters() noexcept {
  if (active.slot != nullptr && active.unflushed_ids != 0) {
    active.slot->counters.ids_issued.fetch_add(active.unflushed_ids, std::memory_order_relaxed);
    active.unflushed_ids = 0;
  }
}

// before_shmem_exit callback: the counts of a backend that ends are not lost.
void flush_counters_at_exit(int, Datum) noexcept {
  flush_counters();
}

// Waits until the wall clock reads `until_ms`, holding no lock, interruptibly: sleeps on
// the latch while more than a millisecond is left, then in a short nap. With `spin`, the
// nap ends a little early and the last few microseconds spin on the clock, so a single
// ID is not late for the next millisecond; a bulk call sleeps to the end instead, so it
// neither holds a core nor wins every millisecond from the callers waiting beside it.
void wait_until(std::int64_t until_ms, bool spin) {
  constexpr std::int64_t kSpinUs = 60;  // about the timer slack of a short sleep
  const std::int64_t until_us = until_ms * 1000;
  while (true) {
    CHECK_FOR_INTERRUPTS();
    const std::int64_t left_us = until_us - wall_clock_us();
    if (left_us <= 0) return;
    if (left_us > 2000) {
      (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, left_us / 1000 - 1,
                      PG_WAIT_EXTENSION);
      ResetLatch(MyLatch);
    } else if (!spin) {
      pg_usleep(left_us);
    } else if (left_us > kSpinUs) {
      pg_usleep(left_us - kSpinUs);
    } else {
      pg_spin_delay();
    }
  }
}

// The clock lead this backend last put in force (-1: none yet).
std::int64_t published_lead = -1;

// Puts the server's clock lead, as this backend's settings give it, in force for every
// state. Only a change is written: a backend whose settings have not been reloaded yet
// never puts an old lead back.
void publish_clock_lead() {
  const std::int64_t lead = clock_lead_setting();
  if (lead == published_lead) return;
  shared_state_table()->clock_lead.set(lead, wall_clock_ms);
  published_lead = lead;
}

// After a restart, a crash or a promotion, the clock may be behind IDs already handed
// out: those of this database lie below its high-water mark, and those of every database
// on the server below the server's own mark (or, after a promotion, below the last commit
// replayed from the old primary). The first backend of each database since the server
// started makes sure new IDs come above both: after a quick restart it waits (about a
// second at most) for the clock to pass them; when the clock is further behind, it moves
// the shared state past them, so the generator refuses (or, under the logical clock
// policy, runs ahead) instead of repeating an ID. Once the clock is past the server's
// mark as it stood at the start, databases that start making IDs later look at their own
// mark only: the server's is by then a second ahead again, moved by the others. Returns
// the reservation in force: the earlier of this database's mark and the server's.
std::int64_t resume_above_high_water(const Generator& generator, StateSlot* slot,
                                     std::int64_t tolerance_ms) {
  const std::int64_t database_mark = high_water_read();
  const std::int64_t server_mark = server_mark_read();
  const std::int64_t reserved = std::min(database_mark, server_mark);
  StateTable* table = shared_state_table();
  const std::uint32_t database = static_cast<std::uint32_t>(MyDatabaseId);
  if (table->database_resumed(database)) return reserved;
  const bool server_resumed = table->server_resumed.load(std::memory_order_acquire) != 0;
  const std::int64_t floor_ms =
      server_resumed ? database_mark
                     : std::max({database_mark, server_mark, last_replayed_commit_ms()});
  const std::int64_t ahead = floor_ms - wall_clock_ms();
  if (ahead > kReservationAheadMs + tolerance_ms) {
    Generator::advance(slot->state, generator.value_at_ms(floor_ms));
  } else {
    if (ahead > 0) wait_until(floor_ms, false);
    table->server_resumed.store(1, std::memory_order_release);  // the clock is past it
  }
  table->mark_database_resumed(database);
  return reserved;
}

// Builds the generator for the current settings and finds its shared slot.
void resolve_settings() {
  const std::uint64_t generation = settings_generation();
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
  StateSlot* slot = shared_state_table()->find_or_claim(layout, epoch_setting_ms());
  if (slot == nullptr) {
    ereport(ERROR, (errcode(ERRCODE_FLAKEID_TOO_MANY_LAYOUTS),
                    errmsg("too many flakeid layouts in use on this server"),
                    errdetail("The server keeps the state of at most %u distinct layout and epoch "
                              "pairs until it restarts.",
                              StateTable::kSlots),
                    errhint("Use fewer distinct flakeid.layout and flakeid.epoch values.")));
  }
  publish_clock_lead();
  const std::int64_t reserved = resume_above_high_water(made.value, slot, policy.tolerance_ms);
  static bool exit_callback_registered = false;
  if (!exit_callback_registered) {
    before_shmem_exit(flush_counters_at_exit, 0);
    exit_callback_registered = true;
  }
  flush_counters();  // to the slot they were made in
  active.generator = made.value;
  active.slot = slot;
  active.lead = &shared_state_table()->clock_lead;
  active.tolerance_ms = policy.tolerance_ms;
  active.reserved_until_ms = reserved;
  active.settings_generation = generation;
}

// The active generator, resolved first when a setting has changed.
inline Active& current() {
  if (unlikely(active.settings_generation != settings_generation())) resolve_settings();
  return active;
}

// Reserves up to `want` IDs, waiting out used-up milliseconds, small clock steps back and
// short leads, and renews the durable reservation when the IDs reach it. A failure is an
// error. `fair`: a bulk call's view of the others on its state, which sets the share of
// each millisecond it takes; nullptr for a single ID, which takes what it finds.
Step reserve(Active& a, std::uint64_t want, FairShare* fair) {
  SlotCounters& counters = a.slot->counters;
  Request request{want, Share::kAll};
  while (true) {
    std::int64_t now_ms = 0;
    if (fair != nullptr) request.share = fair->share();
    const Step step = a.generator.reserve_with_clock(
        a.slot->state, *a.lead, [&now_ms] { return now_ms = wall_clock_ms(); }, request);
    if (likely(step.kind == Step::Kind::kIssued)) {
      if (fair != nullptr) fair->note(step, now_ms);
      a.unflushed_ids += step.count;
      const std::int64_t last_ms = a.generator.unix_ms_at(step.first + step.count - 1);
      if (unlikely(last_ms >= a.reserved_until_ms)) {
        flush_counters();  // about once a second
        a.reserved_until_ms = high_water_cover(last_ms);
      }
      return step;
    }
    flush_counters();
    if (step.kind == Step::Kind::kWait) {
      (step.behind_ms > 0 ? counters.clock_waits : counters.sequence_waits)
          .fetch_add(1, std::memory_order_relaxed);
      wait_until(step.until_ms, fair == nullptr);
      continue;
    }
    if (step.error == Error::kClockMovedBackwards || step.error == Error::kAheadByLead) {
      counters.clock_errors.fetch_add(1, std::memory_order_relaxed);
    }
    report_step_error(step, a.generator, now_ms, a.tolerance_ms, a.lead->in_force());
  }
}

// The generator for a call that makes IDs: like nextval(), refused where the durable
// reservation cannot be written (read-only transactions, standbys, parallel workers).
Active& current_for_write(const char* function) {
  PreventCommandIfReadOnly(function);
  PreventCommandIfParallelMode(function);
  return current();
}

// flakeid_next(): one new ID.
Datum next(FunctionCallInfo) {
  Active& a = current_for_write("flakeid_next()");
  return Int64GetDatum(a.generator.id_at(reserve(a, 1, nullptr).first));
}

// What flakeid_next_ids keeps between calls: the IDs still owed and the block reserved.
struct Batch {
  std::uint64_t owed;  // IDs not yet reserved
  std::uint64_t next;  // state value of the next ID to return
  std::uint64_t end;   // one past the last reserved state value
  FairShare fair;      // whom it has seen take IDs beside it
};
FLAKEID_NO_DESTRUCTOR(Batch);

// flakeid_next_ids(count): `count` new IDs, strictly increasing, reserved a block at a
// time: half of what a millisecond has left, and less while others take IDs too (see
// FairShare), so a bulk call never keeps the other callers of its state waiting for more
// than the next millisecond.
Datum next_ids(FunctionCallInfo fcinfo) {
  if (SRF_IS_FIRSTCALL()) {
    const int32 count = PG_GETARG_INT32(0);
    if (count < 0) {
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("flakeid_next_ids count must not be negative: %d", count),
                      errhint("Ask for 0 or more IDs; 0 returns no rows.")));
    }
    FuncCallContext* funcctx = SRF_FIRSTCALL_INIT();
    Batch* batch =
        new (MemoryContextAllocZero(funcctx->multi_call_memory_ctx, sizeof(Batch))) Batch();
    batch->owed = static_cast<std::uint64_t>(count);
    funcctx->user_fctx = batch;
  }
  FuncCallContext* funcctx = SRF_PERCALL_SETUP();
  Batch* batch = static_cast<Batch*>(funcctx->user_fctx);
  Active& a = current_for_write("flakeid_next_ids()");
  if (batch->next == batch->end) {
    if (batch->owed == 0) SRF_RETURN_DONE(funcctx);
    const Step step = reserve(a, batch->owed, &batch->fair);
    batch->next = step.first;
    batch->end = step.first + step.count;
    batch->owed -= step.count;
  }
  SRF_RETURN_NEXT(funcctx, Int64GetDatum(a.generator.id_at(batch->next++)));
}

}  // namespace

void generator_flush_counters() {
  flush_counters();
}

void generator_publish_clock_lead() {
  publish_clock_lead();
}

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_next, flakeid::pg::next)
FLAKEID_SQL_FUNCTION(flakeid_next_ids, flakeid::pg::next_ids)
