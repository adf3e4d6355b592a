// flakeid_next() and flakeid_next_ids(count): the hot path, and the waits off it.
#include "pg/guard.hpp"

extern "C" {
#include "access/xact.h"
#include "tcop/utility.h"
}

#include <algorithm>

#include "core/clock.hpp"
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

namespace {

// A generator and the shared state word it advances: where a call takes its IDs from.
struct Source {
  Generator generator;
  StateSlot* slot = nullptr;
  std::int64_t tolerance_ms = 0;
};
FLAKEID_NO_DESTRUCTOR(Source);

// The source of the current settings. Resolved again only when a setting changes, so a
// call does no parsing and no lookup.
struct Active {
  Source source;
  // The settings generation this was resolved at (0: never).
  std::uint64_t settings_generation = 0;
  // The earlier of this database's and the server's high-water marks, as this backend
  // last saw them: IDs below it are covered by durable reservations; the first ID at or
  // above it renews them.
  std::int64_t reserved_until_ms = 0;
  // IDs this backend made from the active source and has not yet added to its slot's
  // counter: adding each one there would put a second atomic instruction on the hot path.
  std::uint64_t unflushed_ids = 0;
};
FLAKEID_NO_DESTRUCTOR(Active);

Active active;

// Adds the IDs this backend made to its slot's shared counter.
void flush_counters() noexcept {
  if (active.source.slot != nullptr && active.unflushed_ids != 0) {
    active.source.slot->counters.ids_issued.fetch_add(active.unflushed_ids,
                                                      std::memory_order_relaxed);
    active.unflushed_ids = 0;
  }
}

// before_shmem_exit callback: the counts of a backend that ends are not lost.
void flush_counters_at_exit(int, Datum) noexcept {
  flush_counters();
}

// Waits until the wall clock reads `until_ms`, holding no lock, interruptibly: sleeps on
// the latch while more than a millisecond is left, then in short naps, and spins on the
// clock for the last few microseconds, so a backend at the layout's ceiling neither burns
// its core nor oversleeps the next millisecond.
void wait_until(std::int64_t until_ms) {
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
    } else if (left_us > kSpinUs) {
      pg_usleep(left_us - kSpinUs);
    } else {
      pg_spin_delay();
    }
  }
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
// the reservation in force: the earlier of this database's mark and the server's. Once
// the database has resumed and this backend knows a reservation (`known_ms`), it reads no
// mark at all and returns that: settings changed per transaction (SET LOCAL, a function's
// SET clause) would otherwise pay a catalog lookup, a sequence read and a mark-file open
// each time. The marks only move forward, so a reservation known earlier is never too
// high; at worst it is renewed a little early.
std::int64_t resume_above_high_water(const Generator& generator, StateSlot* slot,
                                     std::int64_t tolerance_ms, std::int64_t known_ms) {
  StateTable* table = shared_state_table();
  const std::uint32_t database = static_cast<std::uint32_t>(MyDatabaseId);
  if (known_ms != 0 && table->database_resumed(database)) return known_ms;
  const std::int64_t database_mark = high_water_read();
  const std::int64_t server_mark = server_mark_read();
  const std::int64_t reserved = std::min(database_mark, server_mark);
  if (table->database_resumed(database)) return reserved;
  const bool server_resumed = table->server_resumed.load(std::memory_order_acquire) != 0;
  const std::int64_t floor_ms =
      server_resumed ? database_mark
                     : std::max({database_mark, server_mark, last_replayed_commit_ms()});
  const std::int64_t ahead = floor_ms - wall_clock_ms();
  if (ahead > kReservationAheadMs + tolerance_ms) {
    Generator::advance(slot->state, generator.value_at_ms(floor_ms));
  } else {
    if (ahead > 0) wait_until(floor_ms);
    table->server_resumed.store(1, std::memory_order_release);  // the clock is past it
  }
  table->mark_database_resumed(database);
  return reserved;
}

// Builds the generator for the current settings and finds its shared slot.
void resolve_settings() {
  const std::uint64_t generation = settings_generation();
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
  StateSlot* slot = shared_state_table()->find_or_claim(layout, epoch_setting_ms());
  if (slot == nullptr) {
    ereport(ERROR, (errcode(ERRCODE_FLAKEID_TOO_MANY_LAYOUTS),
                    errmsg("too many flakeid layouts in use on this server"),
                    errdetail("The server keeps the state of at most %u distinct layout and epoch "
                              "pairs until it restarts.",
                              StateTable::kSlots),
                    errhint("Use fewer distinct flakeid.layout and flakeid.epoch values.")));
  }
  const std::int64_t reserved =
      resume_above_high_water(made.value, slot, policy.tolerance_ms, active.reserved_until_ms);
  static bool exit_callback_registered = false;
  if (!exit_callback_registered) {
    before_shmem_exit(flush_counters_at_exit, 0);
    exit_callback_registered = true;
  }
  flush_counters();  // to the slot they were made in
  active.source.generator = made.value;
  active.source.slot = slot;
  active.source.tolerance_ms = policy.tolerance_ms;
  active.reserved_until_ms = reserved;
  active.settings_generation = generation;
}

// The active generator, resolved first when a setting has changed.
inline Active& current() {
  if (unlikely(active.settings_generation != settings_generation())) resolve_settings();
  return active;
}

// Reserves up to `want` IDs from `source`, waiting out used-up milliseconds and small clock
// steps back, and renews the durable reservation when the IDs reach it. A failure is an
// error.
Step reserve(const Source& source, std::uint64_t want) {
  SlotCounters& counters = source.slot->counters;
  while (true) {
    std::int64_t now_ms = 0;
    const Step step = source.generator.reserve_with_clock(
        source.slot->state, [&now_ms] { return now_ms = wall_clock_ms(); }, want);
    if (likely(step.kind == Step::Kind::kIssued)) {
      if (likely(source.slot == active.source.slot)) {
        active.unflushed_ids += step.count;
      } else {  // a bulk call that outlived a change of settings
        counters.ids_issued.fetch_add(step.count, std::memory_order_relaxed);
      }
      const std::int64_t last_ms = source.generator.unix_ms_at(step.first + step.count - 1);
      if (unlikely(last_ms >= active.reserved_until_ms)) {
        flush_counters();  // about once a second
        active.reserved_until_ms = high_water_cover(last_ms);
      }
      return step;
    }
    flush_counters();
    if (step.kind == Step::Kind::kWait) {
      (step.behind_ms > 0 ? counters.clock_waits : counters.sequence_waits)
          .fetch_add(1, std::memory_order_relaxed);
      wait_until(step.until_ms);
      continue;
    }
    if (step.error == Error::kClockMovedBackwards) {
      counters.clock_errors.fetch_add(1, std::memory_order_relaxed);
    }
    report_step_error(step, source.generator, now_ms, source.tolerance_ms);
  }
}

// The source for a call that makes IDs: like nextval(), refused where the durable
// reservation cannot be written (read-only transactions, standbys, parallel workers).
const Source& current_for_write(const char* function) {
  PreventCommandIfReadOnly(function);
  PreventCommandIfParallelMode(function);
  return current().source;
}

// flakeid_next(): one new ID.
Datum next(FunctionCallInfo) {
  const Source& source = current_for_write("flakeid_next()");
  return Int64GetDatum(source.generator.id_at(reserve(source, 1).first));
}

// What flakeid_next_ids keeps between calls: the source it started with, the IDs still
// owed and the block reserved. The source is kept, not looked up again per row: a setting
// changed during the statement (set_config in the same select list) must not turn state
// values reserved under one layout into IDs of another, which were never reserved.
struct Batch {
  Source source;       // the generator and state word of the settings at the first row
  std::uint64_t owed;  // IDs not yet reserved
  std::uint64_t next;  // state value of the next ID to return
  std::uint64_t end;   // one past the last reserved state value
};
FLAKEID_NO_DESTRUCTOR(Batch);

// flakeid_next_ids(count): `count` new IDs, strictly increasing. Each millisecond's share
// is reserved in one step, as much as the millisecond has left.
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
        static_cast<Batch*>(MemoryContextAllocZero(funcctx->multi_call_memory_ctx, sizeof(Batch)));
    batch->source = current_for_write("flakeid_next_ids()");
    batch->owed = static_cast<std::uint64_t>(count);
    funcctx->user_fctx = batch;
  }
  FuncCallContext* funcctx = SRF_PERCALL_SETUP();
  Batch* batch = static_cast<Batch*>(funcctx->user_fctx);
  if (batch->next == batch->end) {
    if (batch->owed == 0) SRF_RETURN_DONE(funcctx);
    const Step step = reserve(batch->source, batch->owed);
    batch->next = step.first;
    batch->end = step.first + step.count;
    batch->owed -= step.count;
  }
  SRF_RETURN_NEXT(funcctx, Int64GetDatum(batch->source.generator.id_at(batch->next++)));
}

}  // namespace

void generator_flush_counters() {
  flush_counters();
}

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_next, flakeid::pg::next)
FLAKEID_SQL_FUNCTION(flakeid_next_ids, flakeid::pg::next_ids)
