// Reading the mark of every database of the server. This database's mark is
// read here; every other database's by a background worker started in it, one at a time
// (a worker connects to one database for its life). The workers run as the bootstrap
// superuser, may connect where datallowconn is off, and give up on a lock after a few
// seconds rather than wait forever on a transaction that holds the sequence. Any mark
// that cannot be read makes the whole scan fail: the caller refuses IDs (FL008) and tries
// again at the next call.
#include "pg/durability/mark_scan.hpp"

#include <algorithm>
#include <cstring>

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "utils/inval.h"
#include "utils/syscache.h"
}

#include "pg/functions/sql_function.hpp"
#include "pg/durability/marks.hpp"
#include "pg/errors/errors.hpp"
#include "pg/shmem/shared_state.hpp"

namespace flakeid::pg {

namespace {

constexpr int kStartAttempts = 50;        // tries to get a worker slot, ...
constexpr long kStartRetryDelayMs = 100;  // ... this far apart: 5 s in all
constexpr const char* kLockTimeout = "5s";

// A database of the server.
struct Database {
  Oid oid;
  const char* name;
};
FLAKEID_NO_DESTRUCTOR(Database);

// The databases a worker can connect to: all but those left invalid by an interrupted
// DROP DATABASE, which hold no data. Returns their number; the array is palloc'd.
int list_databases(Database** out) {
  Relation rel = table_open(DatabaseRelationId, AccessShareLock);
  SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
  int count = 0;
  int room = 16;
  Database* databases = static_cast<Database*>(palloc(sizeof(Database) * room));
  for (HeapTuple tuple = systable_getnext(scan); HeapTupleIsValid(tuple);
       tuple = systable_getnext(scan)) {
    const Form_pg_database form = reinterpret_cast<Form_pg_database>(GETSTRUCT(tuple));
#ifdef DATCONNLIMIT_INVALID_DB
    if (form->datconnlimit == DATCONNLIMIT_INVALID_DB) continue;
#endif
    if (count == room) {
      room *= 2;
      databases = static_cast<Database*>(repalloc(databases, sizeof(Database) * room));
    }
    databases[count++] = {form->oid, pstrdup(NameStr(form->datname))};
  }
  systable_endscan(scan);
  table_close(rel, AccessShareLock);
  *out = databases;
  return count;
}

// Whether the database still exists and can hold data.
bool database_exists(Oid database) {
  AcceptInvalidationMessages();
  if (!SearchSysCacheExists1(DATABASEOID, ObjectIdGetDatum(database))) return false;
#ifdef DATCONNLIMIT_INVALID_DB
  return !database_is_invalid_oid(database);
#else
  return true;
#endif
}

// Raises the error of a database whose mark could not be read.
[[noreturn]] void report_unreadable(const char* name, const char* why, const char* hint) {
  ereport(ERROR, (errcode(ERRCODE_FLAKEID_MARK_UNREADABLE),
                  errmsg("flakeid could not read the high-water mark of database \"%s\"", name),
                  errdetail("%s After a start that replayed WAL (a crash, a promotion, a recovery "
                            "from a backup), or without a mark file of this server's own, flakeid "
                            "resumes above the marks of every database, and makes no ID until it "
                            "has read them all.",
                            why),
                  errhint("%s", hint)));
  pg_unreachable();
}

// Starts the worker that reads `database`'s mark; retries while every worker slot is in
// use.
BackgroundWorkerHandle* start_reader(const Database& database, std::uint64_t ticket) {
  BackgroundWorker worker;
  std::memset(&worker, 0, sizeof(worker));
  worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
  worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
  worker.bgw_restart_time = BGW_NEVER_RESTART;
  strlcpy(worker.bgw_library_name, "flakeid", sizeof(worker.bgw_library_name));
  strlcpy(worker.bgw_function_name, "flakeid_mark_reader_main", sizeof(worker.bgw_function_name));
  snprintf(worker.bgw_name, sizeof(worker.bgw_name), "flakeid mark reader for database %u",
           database.oid);
  strlcpy(worker.bgw_type, "flakeid mark reader", sizeof(worker.bgw_type));
  worker.bgw_main_arg = ObjectIdGetDatum(database.oid);
  std::memcpy(worker.bgw_extra, &ticket, sizeof(ticket));
  worker.bgw_notify_pid = MyProcPid;
  BackgroundWorkerHandle* handle = nullptr;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    if (RegisterDynamicBackgroundWorker(&worker, &handle)) return handle;
    (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, kStartRetryDelayMs,
                    PG_WAIT_EXTENSION);
    ResetLatch(MyLatch);
    CHECK_FOR_INTERRUPTS();
  }
  report_unreadable(database.name, "No background worker slot was free to read it.",
                    "Raise max_worker_processes, or try again when fewer workers run.");
}

// Another database's mark, read by a background worker; 0 when the database was dropped
// meanwhile or has no flakeid.
std::int64_t read_by_worker(const Database& database) {
  ResumeShared* shared = shared_resume();
  SpinLockAcquire(&shared->lock);
  const std::uint64_t ticket = ++shared->last_ticket;
  shared->scan.ticket = ticket;
  shared->scan.answered = false;
  SpinLockRelease(&shared->lock);
  BackgroundWorkerHandle* handle = start_reader(database, ticket);
  if (WaitForBackgroundWorkerShutdown(handle) == BGWH_POSTMASTER_DIED) {
    ereport(FATAL, (errcode(ERRCODE_ADMIN_SHUTDOWN),
                    errmsg("postmaster exited while flakeid read high-water marks")));
  }
  SpinLockAcquire(&shared->lock);
  const bool answered = shared->scan.ticket == ticket && shared->scan.answered;
  const std::int64_t mark = shared->scan.mark_ms;
  shared->scan.ticket = 0;
  SpinLockRelease(&shared->lock);
  if (answered) return mark;
  if (!database_exists(database.oid)) return 0;
  report_unreadable(database.name,
                    "The background worker that reads it stopped without an answer (the "
                    "server log says why).",
                    "Try again; if it keeps failing, make sure the database accepts the "
                    "worker and no transaction holds its flakeid_high_water sequence.");
}

}  // namespace

std::int64_t scan_database_marks() {
  Database* databases = nullptr;
  const int count = list_databases(&databases);
  std::int64_t highest = 0;
  for (int i = 0; i < count; ++i) {
    if (databases[i].oid == MyDatabaseId) {
      const Oid sequence = database_mark_lock(AccessShareLock, true);
      if (OidIsValid(sequence)) {
        highest = std::max(highest, database_mark_value(sequence));
        database_mark_unlock(sequence, AccessShareLock);
      }
    } else {
      highest = std::max(highest, read_by_worker(databases[i]));
    }
  }
  ereport(LOG, (errmsg("flakeid read the high-water marks of %d databases: the highest is %lld",
                       count, static_cast<long long>(highest))));
  return highest;
}

}  // namespace flakeid::pg

// The ticket in bgw_extra says which backend's question this answers.
void flakeid_mark_reader_main(Datum database) noexcept {
  using namespace flakeid::pg;
  std::uint64_t ticket = 0;
  std::memcpy(&ticket, MyBgworkerEntry->bgw_extra, sizeof(ticket));
  BackgroundWorkerUnblockSignals();
  BackgroundWorkerInitializeConnectionByOid(DatumGetObjectId(database), InvalidOid,
                                            BGWORKER_BYPASS_ALLOWCONN);
  SetConfigOption("lock_timeout", kLockTimeout, PGC_SUSET, PGC_S_OVERRIDE);
  SetCurrentStatementStartTimestamp();
  StartTransactionCommand();
  pgstat_report_activity(STATE_RUNNING, "reading flakeid's high-water mark");
  const Oid sequence = database_mark_lock(AccessShareLock, true);
  const std::int64_t mark = OidIsValid(sequence) ? database_mark_value(sequence) : 0;
  CommitTransactionCommand();
  pgstat_report_activity(STATE_IDLE, nullptr);
  ResumeShared* shared = shared_resume();
  SpinLockAcquire(&shared->lock);
  if (shared->scan.ticket == ticket) {
    shared->scan.answered = true;
    shared->scan.mark_ms = mark;
  }
  SpinLockRelease(&shared->lock);
}
