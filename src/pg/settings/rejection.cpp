// Reporting a value of a flakeid setting that flakeid holds as rejected (rejection.hpp):
// what was refused, why, where it was set and how to fix it.
#include "pg/settings/rejection.hpp"

extern "C" {
#include "utils/guc_tables.h"
}

#include <cstdio>
#include <cstring>

#include "pg/errors/errors.hpp"

namespace flakeid::pg {

namespace {

// Where a rejected value was set, as a phrase ("with SET in this session").
void describe_origin(const Rejection& r, char* out, std::size_t size) {
  switch (r.source) {
    case PGC_S_FILE:
      if (r.file[0] != '\0') {
        snprintf(out, size, "in the configuration file \"%s\", line %d,", r.file, r.line);
      } else {
        snprintf(out, size, "in a configuration file");
      }
      return;
    case PGC_S_ARGV:
      snprintf(out, size, "on the server's command line");
      return;
    case PGC_S_GLOBAL:
      snprintf(out, size, "with ALTER ROLE ALL ... SET");
      return;
    case PGC_S_DATABASE:
      snprintf(out, size, "with ALTER DATABASE ... SET");
      return;
    case PGC_S_USER:
      snprintf(out, size, "with ALTER ROLE ... SET");
      return;
    case PGC_S_DATABASE_USER:
      snprintf(out, size, "with ALTER ROLE ... IN DATABASE ... SET");
      return;
    case PGC_S_CLIENT:
      snprintf(out, size, "in the connection's options");
      return;
    case PGC_S_SESSION:
      snprintf(out, size, "%s",
               strcmp(r.how, "local") == 0  ? "with SET LOCAL"
               : strcmp(r.how, "save") == 0 ? "in the SET clause of a function"
                                            : "with SET in this session");
      return;
    default:
      snprintf(out, size, "by the server (source \"%s\")", GucSource_Names[r.source]);
  }
}

// How to end the refusal of a rejected value, by why it was refused and where it was set.
void describe_fix(const Rejection& r, char* out, std::size_t size) {
  const char* name = r.setting;
  switch (r.kind) {
    case RejectionKind::kLost:
      snprintf(out, size,
               "Start a new session, and load flakeid before parallel queries: LOAD 'flakeid', or "
               "add it to session_preload_libraries or shared_preload_libraries.");
      return;
    case RejectionKind::kNotInForce:
      snprintf(out, size,
               "Start a new session, which applies it (if it is refused again, a superuser can "
               "store it anew: ALTER DATABASE or ALTER ROLE ... SET %s); in this session, a "
               "superuser may SET %s.",
               name, name);
      return;
    case RejectionKind::kUnknownName:
      snprintf(out, size,
               "Correct or remove %s where it was set%s. The settings are flakeid.layout, "
               "flakeid.epoch, flakeid.datacenter_id, flakeid.machine_id, "
               "flakeid.clock_tolerance_ms, flakeid.clock_policy and flakeid.max_clock_lead_ms.",
               name,
               r.source == PGC_S_FILE ? ", then reload (SELECT pg_reload_conf())"
                                      : ", then start a new session");
      return;
    case RejectionKind::kContext:
      if (r.source == PGC_S_GLOBAL || r.source == PGC_S_DATABASE || r.source == PGC_S_USER ||
          r.source == PGC_S_DATABASE_USER) {
        // Where flakeid is loaded, PostgreSQL refuses RESET of a server setting there too.
        snprintf(out, size,
                 "Set %s in postgresql.conf or with ALTER SYSTEM, then reload. Remove it with "
                 "ALTER DATABASE or ALTER ROLE ... RESET %s (where flakeid is preloaded, "
                 "PostgreSQL refuses that: RESET ALL removes it, with every other setting stored "
                 "there), then start a new session.",
                 name, name);
        return;
      }
      snprintf(out, size,
               "Set %s in postgresql.conf or with ALTER SYSTEM, then reload; and start a new "
               "session without this setting.",
               name);
      return;
    default:
      break;
  }
  switch (r.source) {
    case PGC_S_FILE:
      snprintf(out, size,
               "Correct it in the configuration file (in postgresql.auto.conf: ALTER SYSTEM SET "
               "or RESET %s, with flakeid loaded), then reload (SELECT pg_reload_conf()).",
               name);
      return;
    case PGC_S_ARGV:
      snprintf(out, size, "Correct the server's command line and restart the server.");
      return;
    case PGC_S_GLOBAL:
    case PGC_S_DATABASE:
    case PGC_S_USER:
    case PGC_S_DATABASE_USER:
      snprintf(out, size,
               "A superuser can correct it or remove it (ALTER DATABASE or ALTER ROLE ... RESET "
               "%s); new sessions then work. In this session, a superuser may SET a valid value.",
               name);
      return;
    case PGC_S_CLIENT:
      snprintf(out, size, "Connect without it in the connection's options.");
      return;
    default:
      break;
  }
  if (r.kind == RejectionKind::kPermission) {
    snprintf(out, size,
             "Only a superuser, or a role granted SET on %s, may set it, also for a role or a "
             "database (ALTER ROLE ... SET). Start a new session without this SET, or RESET ALL.",
             name);
  } else if (strcmp(r.how, "save") == 0) {
    snprintf(out, size, "Correct the function's SET clause (ALTER FUNCTION ... SET %s = ...).",
             name);
  } else {
    snprintf(out, size, "SET %s to a valid value, or RESET %s.", name, name);
  }
}

}  // namespace

void report_rejected_setting(int elevel, const Rejection& rejection) {
  // The rejection may live in a setting's extra: copy it before anything else can run.
  const Rejection r = rejection;
  char origin[256];
  char fix[512];
  describe_origin(r, origin, sizeof(origin));
  describe_fix(r, fix, sizeof(fix));
  switch (r.kind) {
    case RejectionKind::kLost:
      ereport(elevel, (errcode(ERRCODE_FLAKEID_REJECTED_SETTING),
                       errmsg("the value \"%s\" of %s, set before flakeid was loaded, was not "
                              "applied",
                              r.value, r.setting),
                       errdetail("%s It was set %s. flakeid makes and reads no IDs under "
                                 "settings other than the ones asked for.",
                                 r.reason, origin),
                       errhint("%s", fix)));
      return;
    case RejectionKind::kNotInForce:
      ereport(elevel, (errcode(ERRCODE_FLAKEID_REJECTED_SETTING),
                       errmsg("the value \"%s\" of %s, stored %s, is not in force in this "
                              "session",
                              r.value, r.setting, origin),
                       errdetail("%s flakeid makes and reads no IDs under settings other than "
                                 "the ones asked for.",
                                 r.reason),
                       errhint("%s", fix)));
      return;
    case RejectionKind::kUnknownName:
      ereport(elevel, (errcode(ERRCODE_FLAKEID_REJECTED_SETTING),
                       errmsg("%s is set to \"%s\", but flakeid has no setting of that name",
                              r.setting, r.value),
                       errdetail("It was set %s %s. It was surely meant for a flakeid setting, "
                                 "and flakeid makes and reads no IDs under settings other than "
                                 "the ones asked for.",
                                 origin,
                                 r.at_reload ? "and read at a reload, which ignored it"
                                             : "before flakeid was loaded, when PostgreSQL "
                                               "could not check it"),
                       errhint("%s", fix)));
      return;
    default:
      if (r.at_reload) {
        ereport(elevel,
                (errcode(ERRCODE_FLAKEID_REJECTED_SETTING),
                 errmsg("%s is set to \"%s\", which is not a valid value", r.setting, r.value),
                 errdetail("%s It is set %s and a reload refused it, leaving the value before it "
                           "in force. flakeid makes and reads no IDs under settings other than "
                           "the ones asked for.",
                           r.reason, origin),
                 errhint("%s", fix)));
        return;
      }
      ereport(elevel,
              (errcode(ERRCODE_FLAKEID_REJECTED_SETTING),
               errmsg("%s is set to \"%s\"%s", r.setting, r.value,
                      r.kind == RejectionKind::kInvalid      ? ", which is not a valid value"
                      : r.kind == RejectionKind::kPermission ? " by a role that may not set it"
                                                             : " where it cannot be set"),
               errdetail("%s It was set %s before flakeid was loaded, when PostgreSQL "
                         "could not check it. flakeid makes and reads no IDs under "
                         "settings other than the ones asked for.",
                         r.reason, origin),
               errhint("%s", fix)));
  }
}

void refuse_rejected_setting(const Rejection& rejection) {
  report_rejected_setting(ERROR, rejection);
  pg_unreachable();
}

}  // namespace flakeid::pg
