// flakeid_resume_above(key): keys made outside flakeid (another Snowflake-style generator,
// before flakeid_adopt() put flakeid_next() in their column's default) become the node's
// committed keys: every later ID, in every database, after a restart, a crash or a
// promotion, comes above them, as above keys flakeid made.
//
// Who may call it: anyone who may call flakeid_next(). It only takes a key below the first
// key of the current millisecond, so it raises the marks no further than a flakeid_next()
// does (that one reserves a second ahead): it can neither stop the database (a mark far
// ahead refuses every ID until the clock passes it) nor raise anything another role could
// not raise with an ID of its own.
#include "pg/functions/sql_function.hpp"

extern "C" {
#include "tcop/utility.h"
}

#include "core/clock.hpp"
#include "core/codec.hpp"
#include "pg/functions/arguments.hpp"
#include "pg/errors/errors.hpp"
#include "pg/durability/resume.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<std::int64_t>);
FLAKEID_NO_DESTRUCTOR(Result<Decoded>);

namespace {

// flakeid_resume_above(key bigint): under the database's current layout and epoch.
Datum resume_above_key(FunctionCallInfo fcinfo) {
  PreventCommandIfReadOnly("flakeid_resume_above()");
  PreventCommandIfParallelMode("flakeid_resume_above()");
  const std::int64_t key = PG_GETARG_INT64(0);
  if (key < 0) report_negative_id(key);
  const LayoutAndEpoch under = current_layout_and_epoch();
  const std::int64_t now_ms = wall_clock_ms();
  const Result<std::int64_t> first = first_id_in_ms(under.layout, under.epoch_ms, now_ms);
  if (!first.ok()) report_time_outside_layout(first.error, now_ms, under.layout, under.epoch_ms);
  if (key >= first.value) {
    ereport(ERROR,
            (errcode(ERRCODE_FLAKEID_KEY_NOT_BELOW_NOW),
             errmsg("key %lld is not below the first flakeid key of now, %lld",
                    static_cast<long long>(key), static_cast<long long>(first.value)),
             errdetail("flakeid_resume_above() takes keys already made, under the database's "
                       "layout and epoch: a key of the future would hold back every ID of "
                       "the server until the clock passed it."),
             errhint("Pass the largest key of the table, made before now.")));
  }
  // Below the first key of now, so its time lies before now: decoding it cannot fail.
  const Result<Decoded> decoded = decode(under.layout, under.epoch_ms, key);
  if (!decoded.ok()) {
    report_timestamp_out_of_range(key, under.epoch_ms, decoded.value.fields.timestamp);
  }
  resume_above(decoded.value.timestamp_ms + 1);
  PG_RETURN_VOID();
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_resume_above, flakeid::pg::resume_above_key, returns(VOIDOID, INT8OID))
