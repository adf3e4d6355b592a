// Checking that an SQL-callable function is declared as the library implements it.
#include "pg/functions/declaration.hpp"

extern "C" {
#include "catalog/pg_proc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

#include "pg/errors/errors.hpp"

namespace flakeid::pg {

const char kDeclarationChecked = 0;

namespace {

// A list of argument types as SQL writes it: "(bigint, text)" (palloc'd).
char* argument_list(int count, const Oid* types) {
  StringInfoData text;
  initStringInfo(&text);
  appendStringInfoChar(&text, '(');
  for (int i = 0; i < count; ++i) {
    appendStringInfo(&text, "%s%s", i > 0 ? ", " : "", format_type_be(types[i]));
  }
  appendStringInfoChar(&text, ')');
  return text.data;
}

// A result type as SQL writes it: "bigint", "SETOF record" (palloc'd).
char* result_text(Oid type, bool set) {
  return psprintf("%s%s", set ? "SETOF " : "", format_type_be(type));
}

// Whether `type` is what a record result may be declared as: record, or a composite type
// (whose columns record.hpp checks).
bool is_record_type(Oid type) {
  return type == RECORDOID || get_typtype(type) == TYPTYPE_COMPOSITE;
}

}  // namespace

void check_declaration(FunctionCallInfo fcinfo, const char* symbol, const Declared& declared) {
  const Oid function = fcinfo->flinfo->fn_oid;
  HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(function));
  if (!HeapTupleIsValid(tuple)) elog(ERROR, "cache lookup failed for function %u", function);
  const Form_pg_proc proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
  const char* name = pstrdup(NameStr(proc->proname));
  const Oid result = proc->prorettype;
  const bool set = proc->proretset;
  const bool strict = proc->proisstrict;
  const int nargs = proc->pronargs;
  Oid* args = static_cast<Oid*>(palloc(sizeof(Oid) * (nargs > 0 ? nargs : 1)));
  for (int i = 0; i < nargs; ++i) args[i] = proc->proargtypes.values[i];
  ReleaseSysCache(tuple);

  const bool result_fits =
      declared.result == RECORDOID ? is_record_type(result) : result == declared.result;
  if (!result_fits || set != declared.set) {
    report_declaration(name, symbol, psprintf("to return %s", result_text(result, set)),
                       psprintf("returns %s", result_text(declared.result, declared.set)));
  }
  bool args_fit = nargs == declared.nargs;
  for (int i = 0; args_fit && i < nargs; ++i) args_fit = args[i] == declared.args[i];
  if (!args_fit) {
    report_declaration(name, symbol, psprintf("with the arguments %s", argument_list(nargs, args)),
                       psprintf("takes %s", argument_list(declared.nargs, declared.args)));
  }
  if (declared.strict && !strict) {
    report_declaration(name, symbol, "without STRICT", "reads no NULL argument: it needs STRICT");
  }
  if (!declared.set) fcinfo->flinfo->fn_extra = const_cast<char*>(&kDeclarationChecked);
}

}  // namespace flakeid::pg
