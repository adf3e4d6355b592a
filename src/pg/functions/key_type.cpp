// The types a key column of flakeid may have: bigint, or the extension's own flakeid type.
#include "pg/functions/key_type.hpp"

#include <cstring>

extern "C" {
#include "catalog/dependency.h"
#include "commands/extension.h"
#include "utils/inval.h"
#include "utils/syscache.h"
}

namespace flakeid::pg {

namespace {

// The extension's flakeid type as this backend last found it, InvalidOid when unknown: the
// guard's trigger asks for every replicated row, and a warm apply worker should not read
// the catalogs for each (measured: about 2.5 us a row, as much again as the rest of an
// insert). Forgotten whenever a type changes, is made or dropped: the type of a column of a
// table the caller holds locked cannot be dropped meanwhile, and an OID that another type
// takes later is looked up again. A type its extension's owner takes out of the extension
// (ALTER EXTENSION ... DROP TYPE) stays known here until then: it is the same type still.
Oid known_flakeid_type = InvalidOid;
bool type_callback_registered = false;

// Syscache callback on pg_type: forgets the type found.
void forget_flakeid_type(Datum, int, uint32) noexcept {
  known_flakeid_type = InvalidOid;
}

// Whether `type` is the flakeid base type of this database's flakeid extension, read from
// the catalogs.
bool is_extension_flakeid_type(Oid type) {
  // A member of the extension (pg_depend, deptype 'e'): only CREATE EXTENSION and ALTER
  // EXTENSION, run by the extension's owner, make one.
  const Oid extension = get_extension_oid("flakeid", true);
  if (!OidIsValid(extension) || getExtensionOfObject(TypeRelationId, type) != extension) {
    return false;
  }
  // Its one base type, with bigint's storage, which the callers read with DatumGetInt64.
  HeapTuple tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
  if (!HeapTupleIsValid(tuple)) return false;
  const Form_pg_type form = reinterpret_cast<Form_pg_type>(GETSTRUCT(tuple));
  const bool flakeid = form->typtype == TYPTYPE_BASE &&
                       strcmp(NameStr(form->typname), "flakeid") == 0 &&
                       form->typlen == sizeof(int64) && form->typbyval == FLOAT8PASSBYVAL;
  ReleaseSysCache(tuple);
  return flakeid;
}

}  // namespace

bool is_key_type(Oid type) {
  if (type == INT8OID) return true;
  if (OidIsValid(known_flakeid_type) && type == known_flakeid_type) return true;
  if (!type_callback_registered) {
    CacheRegisterSyscacheCallback(TYPEOID, forget_flakeid_type, (Datum)0);
    type_callback_registered = true;
  }
  if (!is_extension_flakeid_type(type)) return false;
  known_flakeid_type = type;
  return true;
}

}  // namespace flakeid::pg
