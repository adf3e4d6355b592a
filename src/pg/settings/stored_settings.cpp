// Reading pg_db_role_setting for the values stored for this session's database and role.
#include "pg/settings/stored_settings.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "catalog/pg_db_role_setting.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
}

#include <cstring>

#include "pg/functions/sql_function.hpp"

namespace flakeid::pg {

namespace {

// The value of `name` in the entry of pg_db_role_setting for (database, role), if any.
bool stored_for(Relation catalog, Oid database, Oid role, const char* name, char* value,
                std::size_t size) {
  ScanKeyData keys[2];
  ScanKeyInit(&keys[0], Anum_pg_db_role_setting_setdatabase, BTEqualStrategyNumber, F_OIDEQ,
              ObjectIdGetDatum(database));
  ScanKeyInit(&keys[1], Anum_pg_db_role_setting_setrole, BTEqualStrategyNumber, F_OIDEQ,
              ObjectIdGetDatum(role));
  SysScanDesc scan =
      systable_beginscan(catalog, DbRoleSettingDatidRolidIndexId, true, nullptr, 2, keys);
  bool found = false;
  const HeapTuple tuple = systable_getnext(scan);
  bool null = true;
  const Datum config =
      HeapTupleIsValid(tuple)
          ? heap_getattr(tuple, Anum_pg_db_role_setting_setconfig, RelationGetDescr(catalog), &null)
          : Datum(0);
  if (!null) {
    // Each element is "name=value", as ALTER ... SET stores it.
    ArrayType* array = DatumGetArrayTypeP(config);
    Datum* items = nullptr;
    bool* nulls = nullptr;
    int count = 0;
    deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &items, &nulls, &count);
    const std::size_t length = strlen(name);
    for (int i = 0; i < count; ++i) {
      if (nulls[i]) continue;
      const char* item = TextDatumGetCString(items[i]);
      if (pg_strncasecmp(item, name, length) == 0 && item[length] == '=') {
        strlcpy(value, item + length + 1, size);
        found = true;  // the last one counts, as PostgreSQL applies them in order
      }
    }
  }
  systable_endscan(scan);
  return found;
}

}  // namespace

bool stored_setting(const char* name, StoredValue* found) {
  const Oid database = MyDatabaseId;
  // The role the session started as: PostgreSQL applied that role's values (a later SET
  // SESSION AUTHORIZATION applies none).
  const Oid role = GetAuthenticatedUserId();
  // In the order of priority of process_settings(): the role in this database, the role,
  // the database, every role.
  const struct {
    Oid database;
    Oid role;
    GucSource source;
  } entries[] = {{database, role, PGC_S_DATABASE_USER},
                 {InvalidOid, role, PGC_S_USER},
                 {database, InvalidOid, PGC_S_DATABASE},
                 {InvalidOid, InvalidOid, PGC_S_GLOBAL}};
  Relation catalog = table_open(DbRoleSettingRelationId, AccessShareLock);
  bool any = false;
  for (const auto& entry : entries) {
    if (stored_for(catalog, entry.database, entry.role, name, found->value, sizeof(found->value))) {
      found->source = entry.source;
      any = true;
      break;
    }
  }
  table_close(catalog, AccessShareLock);
  return any;
}

}  // namespace flakeid::pg
