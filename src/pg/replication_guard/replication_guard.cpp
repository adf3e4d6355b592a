// The replication guard: a row trigger (flakeid_guard_trigger, installed by flakeid_guard())
// that refuses a replicated row whose key carries a node id this database has already seen
// arrive from another replication origin, or this server's own node id. The first origin
// that brings a node is bound to it in @extschema@.flakeid_guard_binding; each backend keeps
// the bindings it has read in a local hash table, so a warm apply worker decides a row with
// no catalog access. The cache is dropped when the binding table changes (its statement
// trigger sends a relcache invalidation), when a replication origin changes, and when a
// transaction that added to it aborts (its bindings rolled back with it).
#include "pg/postgres.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_index.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_subscription.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "common/hashfn.h"
#include "nodes/execnodes.h"
#include "replication/origin.h"
#include "replication/worker_internal.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

#include <cinttypes>
#include <cstdio>
#include <cstdint>
#include <cstdlib>

#include "core/codec.hpp"
#include "pg/functions/key_type.hpp"
#include "pg/functions/sql_function.hpp"
#include "pg/errors/errors.hpp"
#include "pg/settings/settings.hpp"

namespace flakeid::pg {

namespace {

constexpr const char* kBindingTable = "flakeid_guard_binding";
// The key of a binding: a node under a layout (field widths and node fields, no padding).
struct BindingKey {
  int32 timestamp_bits;
  int32 datacenter_bits;
  int32 machine_bits;
  int32 sequence_bits;
  uint32 datacenter;
  uint32 machine;
};
static_assert(sizeof(BindingKey) == 6 * sizeof(int32), "BindingKey must have no padding");

// A cached binding: the local id of the origin the node is bound to (InvalidRepOriginId
// when the bound origin no longer exists here, so every origin is refused for it).
struct BindingEntry {
  BindingKey key;
  RepOriginId origin;
};
FLAKEID_NO_DESTRUCTOR(BindingEntry);
FLAKEID_NO_DESTRUCTOR(Fields);

// The backend's cache of bindings; null until first use and after a reset.
HTAB* guard_cache = nullptr;
// False once an invalidation has arrived: the next lookup starts a new cache.
bool guard_cache_valid = false;
// The binding table the cache was filled from (for the relcache callback).
Oid guard_binding_relid = InvalidOid;
// The current transaction added to the cache: an abort must drop the cache.
bool guard_cache_added_in_xact = false;
// The callbacks are registered once per backend.
bool guard_callbacks_registered = false;

// Marks the cache stale; the next lookup drops it (callbacks may run while the binding
// table is read, between a lookup and its use, so nothing is freed here).
void guard_cache_invalidate() noexcept {
  guard_cache_valid = false;
}

// Relcache callback: a change of the binding table (or a reset of every relation).
void guard_relcache_callback(Datum, Oid relid) noexcept {
  if (relid == InvalidOid || relid == guard_binding_relid) {
    guard_cache_invalidate();
    if (relid == InvalidOid) guard_binding_relid = InvalidOid;
  }
}

// The session origin last looked up, and the origin that stands for it (see
// origin_identity()); InvalidRepOriginId when none is known.
RepOriginId guard_session_origin = InvalidRepOriginId;
RepOriginId guard_session_identity = InvalidRepOriginId;

// Syscache callback on pg_replication_origin: origin ids may be dropped and reused.
void guard_origin_callback(Datum, int, uint32) noexcept {
  guard_cache_invalidate();
  guard_session_origin = InvalidRepOriginId;
}

// Transaction callback: bindings made by an aborted transaction were rolled back.
void guard_xact_callback(XactEvent event, void*) noexcept {
  switch (event) {
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
      if (guard_cache_added_in_xact) guard_cache_invalidate();
      guard_cache_added_in_xact = false;
      break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PREPARE:
      guard_cache_added_in_xact = false;
      break;
    default:
      break;
  }
}

// Subtransaction callback: a binding made in an aborted subtransaction was rolled back.
void guard_subxact_callback(SubXactEvent event, SubTransactionId, SubTransactionId,
                            void*) noexcept {
  if (event == SUBXACT_EVENT_ABORT_SUB && guard_cache_added_in_xact) guard_cache_invalidate();
}

// The cache, made (again) when missing or stale; registers the callbacks on first use.
HTAB* guard_cache_get() {
  if (!guard_callbacks_registered) {
    CacheRegisterRelcacheCallback(guard_relcache_callback, (Datum)0);
    CacheRegisterSyscacheCallback(REPLORIGIDENT, guard_origin_callback, (Datum)0);
    RegisterXactCallback(guard_xact_callback, nullptr);
    RegisterSubXactCallback(guard_subxact_callback, nullptr);
    guard_callbacks_registered = true;
  }
  if (guard_cache != nullptr && !guard_cache_valid) {
    hash_destroy(guard_cache);
    guard_cache = nullptr;
  }
  if (guard_cache == nullptr) {
    HASHCTL ctl;
    memset(&ctl, 0, sizeof(ctl));
    ctl.keysize = sizeof(BindingKey);
    ctl.entrysize = sizeof(BindingEntry);
    ctl.hcxt = TopMemoryContext;
    guard_cache =
        hash_create("flakeid guard bindings", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    guard_cache_valid = true;
  }
  return guard_cache;
}

// The canonical text of a layout, "T,D,M,S" (palloc'd).
char* layout_text_of(const BindingKey& key) {
  return psprintf("%d,%d,%d,%d", key.timestamp_bits, key.datacenter_bits, key.machine_bits,
                  key.sequence_bits);
}

// The name of a local replication origin (palloc'd), or null when it no longer exists.
char* origin_name(RepOriginId origin) {
  char* name = nullptr;
  if (!replorigin_by_oid(origin, true, &name)) return nullptr;
  return name;
}

// The subscription whose origin is named `origin` ("pg_<subscription oid>"), or null.
char* subscription_of_origin(const char* origin) {
  if (origin == nullptr || strncmp(origin, "pg_", 3) != 0) return nullptr;
  char* end = nullptr;
  const unsigned long oid = strtoul(origin + 3, &end, 10);
  if (end == origin + 3 || *end != '\0' || oid == 0 || oid > PG_UINT32_MAX) return nullptr;
  HeapTuple tuple = SearchSysCache1(SUBSCRIPTIONOID, ObjectIdGetDatum(static_cast<Oid>(oid)));
  if (!HeapTupleIsValid(tuple)) return nullptr;
  char* name = pstrdup(NameStr(reinterpret_cast<Form_pg_subscription>(GETSTRUCT(tuple))->subname));
  ReleaseSysCache(tuple);
  return name;
}

// The origin a row of `origin` is bound under: the origin itself, except that a table
// synchronization worker's origin "pg_<subscription>_<relation>" stands for its
// subscription's origin "pg_<subscription>" (the rows the two bring come from one
// publisher). Kept for the last session origin, so a warm apply worker looks up nothing.
RepOriginId origin_identity(RepOriginId origin) {
  if (origin == guard_session_origin) return guard_session_identity;
  RepOriginId identity = origin;
  const char* name = origin_name(origin);
  unsigned long subscription = 0;
  unsigned long relation = 0;
  int used = 0;
  if (name != nullptr && sscanf(name, "pg_%lu_%lu%n", &subscription, &relation, &used) == 2 &&
      name[used] == '\0') {
    const RepOriginId apply = replorigin_by_name(psprintf("pg_%lu", subscription), true);
    if (apply != InvalidRepOriginId) identity = apply;
  }
  guard_session_origin = origin;
  guard_session_identity = identity;
  return identity;
}

// A name as errors print it: always between double quotes, a double quote in it doubled,
// so that a name (a key column, an origin) cannot end the quotes and read as more of the
// message, or as SQL in a hint (attack19 H5). Plain names print as PostgreSQL prints them,
// "id" (palloc'd).
char* quoted_name(const char* name) {
  StringInfoData text;
  initStringInfo(&text);
  appendStringInfoChar(&text, '"');
  for (const char* c = name; *c != '\0'; ++c) {
    if (*c == '"') appendStringInfoChar(&text, '"');
    appendStringInfoChar(&text, *c);
  }
  appendStringInfoChar(&text, '"');
  return text.data;
}

// How an error names an origin: 'subscription "s" (replication origin "pg_1")', or the
// origin alone when no subscription of this database owns it (palloc'd).
char* origin_label(const char* origin, const char* recorded_subscription) {
  if (origin == nullptr) return pstrdup("a replication origin that no longer exists");
  const char* subscription = subscription_of_origin(origin);
  if (subscription != nullptr) {
    return psprintf("subscription %s (replication origin %s)", quoted_name(subscription),
                    quoted_name(origin));
  }
  if (recorded_subscription != nullptr) {
    return psprintf("replication origin %s (of subscription %s, since dropped)",
                    quoted_name(origin), quoted_name(recorded_subscription));
  }
  return psprintf("replication origin %s", quoted_name(origin));
}

// The binding table: the extension's own member named flakeid_guard_binding in the schema
// of the trigger function, found by OID. Nothing here resolves a name through a search_path
// or a schema name: the guard runs for roles that have no right on the table (an apply
// worker, any role that sets up a replication origin), so it reads and writes the table
// with the heap and index access methods, which neither check rights nor run anything the
// table's schema, a search_path or an operator of another role's could put in their way
// (issue 19: an SPI statement run as the bootstrap superuser ran a role's own || and =).
Oid binding_table(FunctionCallInfo fcinfo) {
  const Oid function = fcinfo->flinfo->fn_oid;
  const Oid extension = getExtensionOfObject(ProcedureRelationId, function);
  const Oid relid = get_relname_relid(kBindingTable, get_func_namespace(function));
  // A member of the extension: a table of that name that another role made (where the
  // extension's was dropped) is never taken for it.
  if (!OidIsValid(extension) || !OidIsValid(relid) ||
      getExtensionOfObject(RelationRelationId, relid) != extension) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                    errmsg("flakeid's replication guard has no binding table"),
                    errdetail("The table %s, which flakeid 1.3 creates in the extension's "
                              "schema, is missing, or is not the extension's own.",
                              kBindingTable),
                    errhint("Update the extension: ALTER EXTENSION flakeid UPDATE.")));
  }
  return relid;
}

// The binding table's columns, by name (their numbers in the table).
struct BindingColumns {
  AttrNumber layout, datacenter_id, machine_id, origin, subscription, first_table, first_seen;
};
FLAKEID_NO_DESTRUCTOR(BindingColumns);

// The number of the column `name` of `rel`; an error when it has none.
AttrNumber column_number(Relation rel, const char* name) {
  const TupleDesc desc = RelationGetDescr(rel);
  for (int i = 0; i < desc->natts; ++i) {
    const Form_pg_attribute column = TupleDescAttr(desc, i);
    if (!column->attisdropped && strcmp(NameStr(column->attname), name) == 0) {
      return column->attnum;
    }
  }
  ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                  errmsg("flakeid's binding table %s has no column \"%s\"", kBindingTable, name),
                  errhint("Update the extension: ALTER EXTENSION flakeid UPDATE.")));
  pg_unreachable();
}

// The columns of the binding table.
BindingColumns binding_columns(Relation rel) {
  return {column_number(rel, "layout"),       column_number(rel, "datacenter_id"),
          column_number(rel, "machine_id"),   column_number(rel, "origin"),
          column_number(rel, "subscription"), column_number(rel, "first_table"),
          column_number(rel, "first_seen")};
}

// The binding table's primary key (layout, datacenter_id, machine_id); an error when it has
// no such key.
Oid binding_key_index(Relation rel, const BindingColumns& columns) {
  list_free(RelationGetIndexList(rel));  // fills rd_pkindex
  const Oid index = rel->rd_pkindex;
  bool fits = false;
  if (OidIsValid(index)) {
    HeapTuple tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
    if (HeapTupleIsValid(tuple)) {
      const Form_pg_index form = reinterpret_cast<Form_pg_index>(GETSTRUCT(tuple));
      fits = form->indnkeyatts == 3 && form->indkey.values[0] == columns.layout &&
             form->indkey.values[1] == columns.datacenter_id &&
             form->indkey.values[2] == columns.machine_id;
      ReleaseSysCache(tuple);
    }
  }
  if (!fits) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("flakeid's binding table %s has lost its primary key", kBindingTable),
                    errdetail("The guard finds a node's binding by the primary key (layout, "
                              "datacenter_id, machine_id)."),
                    errhint("Create the extension again, or restore the table's key.")));
  }
  return index;
}

// What the binding table says of a node: its origin, the subscription recorded when it was
// bound, and when (each palloc'd; found false when unbound).
struct Binding {
  bool found;
  char* origin;
  char* subscription;
  char* first_seen;
};
FLAKEID_NO_DESTRUCTOR(Binding);

// A text column of a binding row as a C string (palloc'd), or null.
char* text_column(HeapTuple row, TupleDesc desc, AttrNumber column) {
  bool null = false;
  const Datum value = heap_getattr(row, column, desc, &null);
  return null ? nullptr : TextDatumGetCString(value);
}

// A time as errors show it, in UTC whatever the TimeZone: "2026-12-06 10:00:00.000000 UTC".
char* utc_text(TimestampTz time) {
  if (TIMESTAMP_NOT_FINITE(time))
    return pstrdup(TIMESTAMP_IS_NOBEGIN(time) ? "-infinity" : "infinity");
  pg_tm tm;
  fsec_t fsec = 0;
  if (timestamp2tm(time, nullptr, &tm, &fsec, nullptr, nullptr) != 0) return pstrdup("?");
  return psprintf("%04d-%02d-%02d %02d:%02d:%02d.%06d UTC", tm.tm_year, tm.tm_mon, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(fsec));
}

// Looks up the binding of `key` (layout text `layout`) in the binding table. SnapshotSelf
// sees every committed binding and this transaction's own, also those of the statement
// running now (which an MVCC snapshot of the statement would not).
Binding find_binding(Relation rel, Oid index, const BindingColumns& columns, Datum layout,
                     const BindingKey& key) {
  ScanKeyData keys[3];
  ScanKeyEntryInitialize(&keys[0], 0, columns.layout, BTEqualStrategyNumber, InvalidOid,
                         TupleDescAttr(RelationGetDescr(rel), columns.layout - 1)->attcollation,
                         F_TEXTEQ, layout);
  ScanKeyInit(&keys[1], columns.datacenter_id, BTEqualStrategyNumber, F_INT4EQ,
              Int32GetDatum(static_cast<int32>(key.datacenter)));
  ScanKeyInit(&keys[2], columns.machine_id, BTEqualStrategyNumber, F_INT4EQ,
              Int32GetDatum(static_cast<int32>(key.machine)));
  SysScanDesc scan = systable_beginscan(rel, index, true, SnapshotSelf, 3, keys);
  Binding binding = {false, nullptr, nullptr, nullptr};
  const HeapTuple row = systable_getnext(scan);
  if (HeapTupleIsValid(row)) {
    const TupleDesc desc = RelationGetDescr(rel);
    binding.found = true;
    binding.origin = text_column(row, desc, columns.origin);
    binding.subscription = text_column(row, desc, columns.subscription);
    bool null = false;
    const Datum seen = heap_getattr(row, columns.first_seen, desc, &null);
    binding.first_seen = null ? nullptr : utc_text(DatumGetTimestampTz(seen));
  }
  systable_endscan(scan);
  if (binding.found && binding.origin == nullptr) {
    elog(ERROR, "flakeid guard: a binding in %s has no origin", kBindingTable);
  }
  return binding;
}

// Inserts a binding row and its index entries. The table's indexes must be plain ones (the
// primary key is): one on an expression or with a predicate would need the executor.
void insert_binding(Relation rel, Datum* values, bool* nulls) {
  CatalogIndexState indexes = CatalogOpenIndexes(rel);
  for (int i = 0; i < indexes->ri_NumIndices; ++i) {
    const IndexInfo* info = indexes->ri_IndexRelationInfo[i];
    if (info->ii_Expressions != NIL || info->ii_Predicate != NIL ||
        info->ii_ExclusionOps != nullptr ||
        !indexes->ri_IndexRelationDescs[i]->rd_index->indimmediate) {
      ereport(
          ERROR,
          (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
           errmsg("flakeid's binding table %s has an index the guard cannot keep", kBindingTable),
           errdetail("Index %s is on an expression, partial, an exclusion "
                     "constraint or deferrable.",
                     quoted_name(RelationGetRelationName(indexes->ri_IndexRelationDescs[i]))),
           errhint("Drop that index: the guard writes plain indexes only.")));
    }
  }
  HeapTuple row = heap_form_tuple(RelationGetDescr(rel), values, nulls);
  CatalogTupleInsertWithInfo(rel, row, indexes);
  CatalogCloseIndexes(indexes);
}

// The node of an ID as text, "datacenter D, machine M".
char* node_text(const BindingKey& key) {
  return psprintf("datacenter %u, machine %u", key.datacenter, key.machine);
}

// The role on whose authority a row of the origin `identity` binds a node: the owner of the
// subscription when this process is a logical replication worker of the subscription whose
// origin it is (on 16 and later the worker runs a table's triggers as the table's owner, so
// the current user would be that owner), else the role running the statement. A role that
// merely set up an origin with pg_replication_origin_session_setup() is that role.
Oid binding_authority(RepOriginId identity) {
  if (MyLogicalRepWorker != nullptr && OidIsValid(MyLogicalRepWorker->subid)) {
    const Oid subscription = MyLogicalRepWorker->subid;
    if (replorigin_by_name(psprintf("pg_%u", subscription), true) == identity) {
      HeapTuple tuple = SearchSysCache1(SUBSCRIPTIONOID, ObjectIdGetDatum(subscription));
      if (HeapTupleIsValid(tuple)) {
        const Oid owner = reinterpret_cast<Form_pg_subscription>(GETSTRUCT(tuple))->subowner;
        ReleaseSysCache(tuple);
        return owner;
      }
    }
  }
  return GetUserId();
}

// Raises FL013 for a row of a node no origin has brought yet, from a writer that may not
// bind it: a binding decides whose rows every guarded table of the database refuses, so only
// a role trusted with the binding table (one that may INSERT into it) makes one (attack19 H1:
// a role with only the origin functions bound any node through a TEMP table of its own).
[[noreturn]] void report_not_binder(const BindingKey& key, int64 id, const char* table,
                                    const char* origin, Oid role_id, Oid relid) {
  const char* binding =
      quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), kBindingTable);
  const char* role = GetUserNameFromId(role_id, false);
  ereport(ERROR,
          (errcode(ERRCODE_FLAKEID_NODE_CLASH),
           errmsg("flakeid guard: node (%s) arrives from %s, which may not bind it: role %s "
                  "may not insert into %s",
                  node_text(key), origin_label(origin, nullptr), quoted_name(role), binding),
           errdetail("The key %" PRId64
                     " of a row for table %s was made by node (%s) under layout %s, which no "
                     "replication origin has brought to this database yet. The first origin "
                     "that brings a node is bound to it for every guarded table, so only a "
                     "role trusted with %s binds one: the owner of the subscription whose "
                     "apply worker writes the row, or the role of a session that set up the "
                     "origin itself. No row of this transaction is applied.",
                     id, table, node_text(key), layout_text_of(key), binding),
           errhint("Replicate through a subscription owned by a superuser, or trust role %s "
                   "with the bindings: GRANT INSERT ON %s TO %s.",
                   quoted_name(role), binding, quote_identifier(role))));
  pg_unreachable();
}

// Reads the binding of a node, or binds it to `origin` when it has none and the writer may
// (binding_authority()); refuses the row otherwise. Two apply workers may bind one node at
// once: each takes a lock of its own on the node first (an object lock keyed by the binding
// table and a hash of the node, held to the end of the transaction), so the second waits for
// the first to end and then reads the first one's binding.
Binding read_or_bind(FunctionCallInfo fcinfo, const BindingKey& key, int64 id, RepOriginId identity,
                     const char* origin, const char* table) {
  const Oid relid = binding_table(fcinfo);
  Relation rel = table_open(relid, RowExclusiveLock);
  const BindingColumns columns = binding_columns(rel);
  const Oid index = binding_key_index(rel, columns);
  const Datum layout = CStringGetTextDatum(layout_text_of(key));
  Binding binding = find_binding(rel, index, columns, layout, key);
  if (!binding.found) {
    LockDatabaseObject(relid, hash_bytes(reinterpret_cast<const unsigned char*>(&key), sizeof(key)),
                       0, ExclusiveLock);
    binding = find_binding(rel, index, columns, layout, key);
  }
  if (!binding.found) {
    const Oid role = binding_authority(identity);
    if (pg_class_aclcheck(relid, role, ACL_INSERT) != ACLCHECK_OK) {
      report_not_binder(key, id, table, origin, role, relid);
    }
    const int natts = RelationGetDescr(rel)->natts;
    Datum* values = static_cast<Datum*>(palloc0(sizeof(Datum) * natts));
    bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * natts));
    memset(nulls, true, sizeof(bool) * natts);
    const char* subscription = subscription_of_origin(origin);
    const TimestampTz now = GetCurrentTransactionStartTimestamp();  // what now() returns
    const auto set = [&](AttrNumber column, Datum value) {
      values[column - 1] = value;
      nulls[column - 1] = false;
    };
    set(columns.layout, layout);
    set(columns.datacenter_id, Int32GetDatum(static_cast<int32>(key.datacenter)));
    set(columns.machine_id, Int32GetDatum(static_cast<int32>(key.machine)));
    set(columns.origin, CStringGetTextDatum(origin));
    if (subscription != nullptr) set(columns.subscription, CStringGetTextDatum(subscription));
    set(columns.first_table, CStringGetTextDatum(table));
    set(columns.first_seen, TimestampTzGetDatum(now));
    insert_binding(rel, values, nulls);
    binding = {true, pstrdup(origin), subscription ? pstrdup(subscription) : nullptr,
               utc_text(now)};
  }
  table_close(rel, NoLock);  // the lock is kept to the end of the transaction
  guard_binding_relid = relid;
  return binding;
}

// Raises FL013 for a row whose node is bound to another origin than the one it came from.
[[noreturn]] void report_clash(const BindingKey& key, int64 id, const char* table,
                               const char* origin, const Binding& bound) {
  const char* subscription = subscription_of_origin(origin);
  const char* refused = origin_label(origin, nullptr);
  const char* owner = origin_label(bound.origin, bound.subscription);
  ereport(ERROR,
          (errcode(ERRCODE_FLAKEID_NODE_CLASH),
           errmsg("flakeid guard: node (%s) arrives from %s but is bound to %s", node_text(key),
                  refused, owner),
           errdetail("The key %" PRId64
                     " of a row for table %s was made by node (%s) under layout %s; that node "
                     "first arrived in this database from %s at %s. Two servers make IDs with "
                     "one node id: their keys can collide. No row of this transaction is "
                     "applied.",
                     id, table, node_text(key), layout_text_of(key), owner,
                     bound.first_seen ? bound.first_seen : "an unknown time"),
           errhint("Give the server behind %s its own flakeid.datacenter_id and "
                   "flakeid.machine_id and reload it, then skip this transaction with ALTER "
                   "SUBSCRIPTION %s SKIP (lsn = '...'), the LSN being the \"finished at\" of "
                   "this error's context. If node %u/%u really moved to that server, run "
                   "SELECT flakeid_guard_forget(%u, %u) instead.",
                   refused, subscription ? quote_identifier(subscription) : "...", key.datacenter,
                   key.machine, key.datacenter, key.machine)));
  pg_unreachable();
}

// Raises FL013 for a replicated row whose key carries this server's own node id.
[[noreturn]] void report_own_node(const BindingKey& key, int64 id, const char* table,
                                  const char* origin) {
  const char* subscription = subscription_of_origin(origin);
  const char* refused = origin_label(origin, nullptr);
  ereport(ERROR, (errcode(ERRCODE_FLAKEID_NODE_CLASH),
                  errmsg("flakeid guard: node (%s) arrives from %s but is this server's own "
                         "node id",
                         node_text(key), refused),
                  errdetail("The key %" PRId64
                            " of a row for table %s was made by node (%s) under layout %s, "
                            "which is what flakeid.datacenter_id and flakeid.machine_id give "
                            "this server. Two servers make IDs with one node id: their keys "
                            "can collide. No row of this transaction is applied.",
                            id, table, node_text(key), layout_text_of(key)),
                  errhint("Give one of the two servers another flakeid.datacenter_id or "
                          "flakeid.machine_id and reload it, then skip this transaction with "
                          "ALTER SUBSCRIPTION %s SKIP (lsn = '...'), the LSN being the "
                          "\"finished at\" of this error's context.",
                          subscription ? quote_identifier(subscription) : "...")));
  pg_unreachable();
}

// Whether this server makes IDs with the node of `key` under the key's layout.
bool is_own_node(const BindingKey& key, const Layout& layout) {
  const NodeId datacenter = datacenter_id_setting();
  const NodeId machine = machine_id_setting();
  // Node ids that are unreadable or do not fit the layout make no IDs in it.
  if (datacenter.error != Error::kOk || machine.error != Error::kOk) return false;
  if (datacenter.value > layout.max_datacenter() || machine.value > layout.max_machine()) {
    return false;
  }
  return datacenter.value == key.datacenter && machine.value == key.machine;
}

// The qualified name of the trigger's table (palloc'd).
char* table_name(Relation rel) {
  return quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
                                    RelationGetRelationName(rel));
}

// flakeid_guard_trigger(): BEFORE INSERT OR UPDATE ... FOR EACH ROW, argument the key column.
Datum guard_trigger(FunctionCallInfo fcinfo) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    ereport(
        ERROR,
        (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
         errmsg("flakeid_guard_trigger() was not called by a trigger"),
         errhint("Install it with SELECT flakeid_guard(regclass 'table', name 'key_column').")));
  }
  TriggerData* data = reinterpret_cast<TriggerData*>(fcinfo->context);
  const TriggerEvent event = data->tg_event;
  const bool insert = TRIGGER_FIRED_BY_INSERT(event);
  if (!TRIGGER_FIRED_FOR_ROW(event) || !TRIGGER_FIRED_BEFORE(event) ||
      !(insert || TRIGGER_FIRED_BY_UPDATE(event)) || data->tg_trigger->tgnargs != 1) {
    ereport(
        ERROR,
        (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
         errmsg("flakeid_guard_trigger() must be a BEFORE INSERT OR UPDATE row "
                "trigger with the key column as its one argument"),
         errhint("Install it with SELECT flakeid_guard(regclass 'table', name 'key_column').")));
  }
  if (data->tg_trigger->tgenabled == TRIGGER_FIRES_ON_ORIGIN) {
    // The guard fires where the session replication role is "origin" (local writes) and no
    // longer where apply workers write ("replica"): every replicated row passes unchecked.
    // ENABLE TRIGGER or CREATE OR REPLACE TRIGGER leaves it so. Refused where it shows at
    // once, on the table's own writes, rather than left to be found after a clash.
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("flakeid guard: the guard of table %s no longer checks replicated rows",
                    table_name(data->tg_relation)),
             errdetail("Its trigger %s is enabled for local writes only (ENABLE ORIGIN): "
                       "apply workers write without it. flakeid_guard() installs it ENABLE "
                       "ALWAYS.",
                       quoted_name(data->tg_trigger->tgname)),
             errhint("Install the guard again: SELECT flakeid_guard(regclass %s, name %s), or "
                     "ALTER TABLE %s ENABLE ALWAYS TRIGGER %s.",
                     quote_literal_cstr(table_name(data->tg_relation)),
                     quote_literal_cstr(data->tg_trigger->tgnargs == 1 ? data->tg_trigger->tgargs[0]
                                                                       : "id"),
                     table_name(data->tg_relation), quote_identifier(data->tg_trigger->tgname))));
  }
  HeapTuple row = insert ? data->tg_trigtuple : data->tg_newtuple;
  // Rows written here, with no replication origin, are not checked: a hub may load by hand.
  const RepOriginId origin = replorigin_session_origin;
  if (origin == InvalidRepOriginId) return PointerGetDatum(row);

  Relation rel = data->tg_relation;
  TupleDesc desc = RelationGetDescr(rel);
  const char* column = data->tg_trigger->tgargs[0];
  const int attnum = SPI_fnumber(desc, column);
  if (attnum <= 0 || TupleDescAttr(desc, attnum - 1)->attisdropped) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("flakeid guard: table %s has no column %s", table_name(rel),
                           quoted_name(column)),
                    errhint("Install the guard again with the key column: SELECT "
                            "flakeid_guard(regclass %s, name 'key_column').",
                            quote_literal_cstr(table_name(rel)))));
  }
  const Oid key_type = TupleDescAttr(desc, attnum - 1)->atttypid;
  if (!is_key_type(key_type)) {
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("flakeid guard: column %s of table %s is %s, not bigint or flakeid",
                           quoted_name(column), table_name(rel), format_type_be(key_type)),
                    errhint("The guard reads flakeid keys, which are bigint or the extension's "
                            "flakeid type.")));
  }
  bool null = false;
  const Datum value = heap_getattr(row, attnum, desc, &null);
  if (null) return PointerGetDatum(row);
  const int64 id = DatumGetInt64(value);
  if (!insert) {
    // An update that keeps the key brings no new node.
    bool old_null = false;
    const Datum old = heap_getattr(data->tg_trigtuple, attnum, desc, &old_null);
    if (!old_null && DatumGetInt64(old) == id) return PointerGetDatum(row);
  }
  if (id < 0) report_negative_id(id);

  // The guard reads the key under the database's layout and compares its node with this
  // server's: a value of those settings held as rejected is not the one asked for.
  constexpr SettingSet kGuardSettings = setting_bit(Setting::kLayout) |
                                        setting_bit(Setting::kDatacenterId) |
                                        setting_bit(Setting::kMachineId);
  if (const Rejection* rejected = rejected_setting(kGuardSettings)) {
    refuse_rejected_setting(*rejected);
  }
  const Layout& layout = layout_setting();
  if (layout.datacenter_bits + layout.machine_bits == 0) {
    ereport(ERROR,
            (errcode(ERRCODE_FLAKEID_NODE_CLASH),
             errmsg("flakeid guard: the layout of this database has no node bits, so the guard "
                    "cannot tell servers apart"),
             errdetail("A row for table %s arrives from %s; under layout %d,%d,%d,%d every key "
                       "has node 0.",
                       table_name(rel), origin_label(origin_name(origin), nullptr),
                       layout.timestamp_bits, layout.datacenter_bits, layout.machine_bits,
                       layout.sequence_bits),
             errhint("Set the layout the publishers make IDs with: ALTER DATABASE ... SET "
                     "flakeid.layout = '...'.")));
  }
  const Fields fields = decode(layout, 0, id).value.fields;
  if (fields.datacenter > PG_INT32_MAX || fields.machine > PG_INT32_MAX) {
    // The binding table keeps node ids as integers: a wider one would be cut to another.
    ereport(ERROR, (errcode(ERRCODE_FLAKEID_NODE_CLASH),
                    errmsg("flakeid guard: the node ids of layout %d,%d,%d,%d do not fit the "
                           "guard's bindings",
                           layout.timestamp_bits, layout.datacenter_bits, layout.machine_bits,
                           layout.sequence_bits),
                    errdetail("A row for table %s has the key %" PRId64
                              "; the guard binds datacenter and machine ids of at most 31 "
                              "bits each.",
                              table_name(rel), id),
                    errhint("Guard tables of a layout with at most 31 datacenter and 31 "
                            "machine bits.")));
  }
  BindingKey key;
  key.timestamp_bits = layout.timestamp_bits;
  key.datacenter_bits = layout.datacenter_bits;
  key.machine_bits = layout.machine_bits;
  key.sequence_bits = layout.sequence_bits;
  key.datacenter = static_cast<uint32>(fields.datacenter);
  key.machine = static_cast<uint32>(fields.machine);

  const RepOriginId identity = origin_identity(origin);
  if (is_own_node(key, layout)) report_own_node(key, id, table_name(rel), origin_name(identity));

  bool found = false;
  BindingEntry* entry =
      static_cast<BindingEntry*>(hash_search(guard_cache_get(), &key, HASH_FIND, &found));
  if (entry != nullptr && entry->origin == identity) return PointerGetDatum(row);

  // Not cached, or cached for another origin: read (or make) the binding.
  const char* name = origin_name(identity);
  if (name == nullptr) elog(ERROR, "flakeid guard: replication origin %u has no name", identity);
  const char* table = table_name(rel);
  const Binding bound = read_or_bind(fcinfo, key, id, identity, name, table);
  const RepOriginId bound_origin = replorigin_by_name(bound.origin, true);
  // The callbacks may have run during the read: take the cache afresh.
  entry = static_cast<BindingEntry*>(hash_search(guard_cache_get(), &key, HASH_ENTER, &found));
  entry->origin = bound_origin;
  guard_cache_added_in_xact = true;
  if (bound_origin != identity) report_clash(key, id, table, name, bound);
  return PointerGetDatum(row);
}

// flakeid_guard_invalidate(): statement trigger of the binding table; makes every backend
// drop its cache of bindings when the transaction that changed the table commits.
Datum guard_invalidate(FunctionCallInfo fcinfo) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("flakeid_guard_invalidate() was not called by a trigger")));
  }
  TriggerData* data = reinterpret_cast<TriggerData*>(fcinfo->context);
  CacheInvalidateRelcacheByRelid(RelationGetRelid(data->tg_relation));
  return PointerGetDatum(nullptr);
}

}  // namespace

}  // namespace flakeid::pg

FLAKEID_SQL_FUNCTION(flakeid_guard_trigger, flakeid::pg::guard_trigger, kTriggerFunction)
FLAKEID_SQL_FUNCTION(flakeid_guard_invalidate, flakeid::pg::guard_invalidate, kTriggerFunction)
