// Taking over what PostgreSQL kept of flakeid's settings before the library was loaded.
#include "pg/settings/placeholders.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "utils/acl.h"
#include "utils/guc_tables.h"
}

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace flakeid::pg {

namespace {

// The takeover of the setting being defined: the rejections its markers stand for (one
// each, however deep the stack of values: issue 19 found 70 savepoints overflowing a fixed
// room, and the values past it dropped for the default), and what its placeholder held, to
// check after the definition that all of it landed.
struct Takeover {
  bool active = false;
  int marked_count = 0;
  Rejection* marked = nullptr;  // malloc'd, room for every value the placeholder holds
  bool unmarked = false;        // a refused value got no marker (out of memory)
  bool had_placeholder = false;
  bool had_reset = false;
  GucSource source = PGC_S_DEFAULT;
  GucSource reset_source = PGC_S_DEFAULT;
  char value[sizeof(Rejection::value)] = "";
};
FLAKEID_NO_DESTRUCTOR(Takeover);

Takeover takeover;

// One value a placeholder holds: where it is kept, and how PostgreSQL will apply it.
struct Slot {
  char** value;
  GucContext* scontext;
  Oid* srole;
  GucSource source;
  const char* how;  // for a SET in a session: "set", "local" or "save"
  // As found, before any marker was put in: PostgreSQL compares slots by these.
  char* found_value;
  GucContext found_scontext;
  Oid found_srole;
};
FLAKEID_NO_DESTRUCTOR(Slot);

// The GUC record of a setting or placeholder by name, or nullptr.
config_generic* find_setting(const char* name) {
#if PG_VERSION_NUM >= 160000
  return find_option(name, false, true, DEBUG5);
#else
  config_generic** all = get_guc_variables();
  const int count = GetNumConfigOptions();
  for (int i = 0; i < count; ++i) {
    if (pg_strcasecmp(all[i]->name, name) == 0) return all[i];
  }
  return nullptr;
#endif
}

// The kind of SET a stack entry's state applies its value with.
const char* how_of(GucStackState state) {
  switch (state) {
    case GUC_SAVE:
      return "save";
    case GUC_LOCAL:
    case GUC_SET_LOCAL:
      return "local";
    default:
      return "set";
  }
}

// A copy of `text` allocated the way PostgreSQL frees a setting's text; nullptr when out of
// memory.
char* setting_text(const char* text) {
#if PG_VERSION_NUM >= 160000
  return guc_strdup(LOG, text);
#else
  return strdup(text);  // before 16 the server frees setting text with free()
#endif
}

// Where in the configuration files a placeholder's value came from.
void note_file(const config_generic& holder, Rejection* rejection) {
  if (rejection->source == PGC_S_FILE && holder.sourcefile != nullptr) {
    set_field(rejection->file, holder.sourcefile);
    rejection->line = holder.sourceline;
  }
}

// Whether PostgreSQL will refuse the value of `slot` when it defines the setting, making the
// same checks as set_config_option, in its order: who may set the setting, then the value.
// When it will, describes why in `rejection`.
bool refused(const SettingSpec& spec, const config_generic& holder, const Slot& slot,
             Rejection* rejection) {
  *rejection = Rejection{};
  const GucContext scontext = slot.found_scontext;
  if (spec.context == PGC_SIGHUP && scontext != PGC_SIGHUP && scontext != PGC_POSTMASTER) {
    rejection->kind = RejectionKind::kContext;
    set_server_setting_reason(rejection, spec.name);
  } else if (spec.context == PGC_SUSET && (scontext == PGC_USERSET || scontext == PGC_BACKEND) &&
             pg_parameter_aclcheck(spec.name, slot.found_srole, ACL_SET) != ACLCHECK_OK) {
    rejection->kind = RejectionKind::kPermission;
    const char* role = GetUserNameFromId(slot.found_srole, true);
    snprintf(rejection->reason, sizeof(rejection->reason),
             "Role \"%s\" is neither a superuser nor granted SET on %s.",
             role != nullptr ? role : "?", spec.name);
  } else if (!spec.accepts(spec, slot.found_value, rejection->reason, sizeof(rejection->reason))) {
    rejection->kind = RejectionKind::kInvalid;
  } else {
    return false;
  }
  set_field(rejection->setting, spec.name);
  set_field(rejection->value, slot.found_value);
  set_field(rejection->how, slot.how);
  rejection->source = slot.source;
  note_file(holder, rejection);
  return true;
}

// Adds a slot that holds a value to `slots` (room for `room`).
void add_slot(Slot* slots, int* count, int room, char** value, GucContext* scontext, Oid* srole,
              GucSource source, const char* how) {
  if (*value == nullptr) return;
  if (*count == room) {
    takeover.unmarked = true;  // cannot happen: the room was counted
    return;
  }
  slots[(*count)++] = {value, scontext, srole, source, how, *value, *scontext, *srole};
}

// Whether two slots hold what PostgreSQL takes for the same value (it compares a stacked
// value with the reset value by these, to skip applying it twice).
bool same_found(const Slot& a, const Slot& b) {
  return a.found_value == b.found_value && a.found_scontext == b.found_scontext &&
         a.source == b.source && a.found_srole == b.found_srole;
}

// Puts the marker of rejection `index` in the place of the slot's value; a value refused for
// who set it or where also gets a context and role PostgreSQL accepts, so that the marker
// lands where the value would have.
void put_marker(const SettingSpec& spec, Slot& slot, int index, RejectionKind kind) {
  char text[16];
  snprintf(text, sizeof(text), "%d", kFirstMarker + index);
  char* marker = setting_text(text);
  if (marker == nullptr) {     // out of memory: PostgreSQL refuses it, and the takeover's end
    takeover.unmarked = true;  // fails closed
    return;
  }
  *slot.value = marker;  // (the value replaced is left to PostgreSQL: other slots
                         // may share it)
  if (kind == RejectionKind::kContext || kind == RejectionKind::kPermission) {
    *slot.scontext = spec.context;
    *slot.srole = BOOTSTRAP_SUPERUSERID;
  }
}

// Reads the configuration files as a reload does (postgresql.conf, what it includes, then
// postgresql.auto.conf) into the list `head`, which the caller frees with
// FreeConfigVariables. Returns false, with an empty list, when they cannot be parsed.
bool read_configuration_files(ConfigVariable** head) {
  ConfigVariable* tail = nullptr;
  if (ConfigFileName != nullptr &&
      ParseConfigFile(ConfigFileName, true, nullptr, 0, 0, DEBUG3, head, &tail) &&
      ParseConfigFile(PG_AUTOCONF_FILENAME, false, nullptr, 0, 0, DEBUG3, head, &tail)) {
    return true;
  }
  FreeConfigVariables(*head);
  *head = nullptr;
  return false;
}

}  // namespace

void placeholder_take_over(const SettingSpec& spec) noexcept {
  free(takeover.marked);  // the last setting's rejections have been reported
  takeover = Takeover{};
  takeover.active = true;
  config_generic* found = find_setting(spec.name);
  if (found == nullptr || (found->flags & GUC_CUSTOM_PLACEHOLDER) == 0) return;
  config_string* holder = reinterpret_cast<config_string*>(found);
  config_generic& gen = holder->gen;
  takeover.had_placeholder = true;
  takeover.had_reset = holder->reset_val != nullptr;
  takeover.source = gen.source;
  takeover.reset_source = gen.reset_source;
  set_field(takeover.value, *holder->variable != nullptr ? *holder->variable : holder->reset_val);

  // Room for every value the placeholder holds: the reset value, the current one, and two
  // for each entry of the stack (a transaction's or a function's SET clause).
  int room = 2;
  for (GucStack* entry = gen.stack; entry != nullptr; entry = entry->prev) room += 2;
  Slot* slots = static_cast<Slot*>(malloc(sizeof(Slot) * room));
  int* marker_of = static_cast<int*>(malloc(sizeof(int) * room));  // -1 for none
  takeover.marked = static_cast<Rejection*>(malloc(sizeof(Rejection) * room));
  if (slots == nullptr || marker_of == nullptr || takeover.marked == nullptr) {
    // Out of memory: no value is marked, PostgreSQL refuses what it refuses, and the
    // takeover's end holds the setting as lost (no ID under a value not asked for).
    free(slots);
    free(marker_of);
    free(takeover.marked);
    takeover.marked = nullptr;
    takeover.unmarked = true;
    return;
  }

  // Every value the placeholder holds, as PostgreSQL will apply them.
  int count = 0;
  add_slot(slots, &count, room, &holder->reset_val, &gen.reset_scontext, &gen.reset_srole,
           gen.reset_source, "set");
  add_slot(slots, &count, room, holder->variable, &gen.scontext, &gen.srole, gen.source,
           gen.stack != nullptr ? how_of(gen.stack->state) : "set");
  for (GucStack* entry = gen.stack; entry != nullptr; entry = entry->prev) {
    add_slot(slots, &count, room, &entry->prior.val.stringval, &entry->scontext, &entry->srole,
             entry->source, entry->prev != nullptr ? how_of(entry->prev->state) : "set");
    if (entry->state == GUC_SET_LOCAL) {
      add_slot(slots, &count, room, &entry->masked.val.stringval, &entry->masked_scontext,
               &entry->masked_srole, PGC_S_SESSION, "set");
    }
  }

  // Slots PostgreSQL takes for the same value get the same marker, so it still does; every
  // other refused value gets a marker of its own, so the refusal names the value in force
  // wherever PostgreSQL puts it back (ROLLBACK TO, the end of a function's SET clause).
  for (int i = 0; i < count; ++i) {
    int same = -1;
    for (int j = 0; j < i && same < 0; ++j) {
      if (same_found(slots[i], slots[j])) same = j;
    }
    if (same >= 0) {
      marker_of[i] = marker_of[same];
    } else {
      marker_of[i] = -1;
      Rejection rejection;
      if (!refused(spec, gen, slots[i], &rejection)) continue;
      marker_of[i] = takeover.marked_count++;
      takeover.marked[marker_of[i]] = rejection;
    }
    if (marker_of[i] >= 0)
      put_marker(spec, slots[i], marker_of[i], takeover.marked[marker_of[i]].kind);
  }
  free(slots);
  free(marker_of);
}

int placeholder_markers() noexcept {
  return takeover.marked_count;
}

void placeholder_take_over_failed() noexcept {
  takeover.unmarked = true;
}

bool placeholder_take_over_end(const SettingSpec& spec, Rejection* lost) noexcept {
  takeover.active = false;
  if (!takeover.had_placeholder) return false;
  const config_generic* defined = find_setting(spec.name);
  const bool landed = defined != nullptr && defined->source == takeover.source &&
                      (!takeover.had_reset || defined->reset_source == takeover.reset_source);
  if (landed && !takeover.unmarked) return false;
  *lost = Rejection{};
  lost->kind = RejectionKind::kLost;
  lost->source = takeover.source;
  set_field(lost->setting, spec.name);
  set_field(lost->value, takeover.value);
  set_field(lost->reason, takeover.unmarked
                              ? "flakeid ran out of memory while taking over the values set "
                                "before it was loaded, and cannot tell which one is in force."
                          : IsInParallelMode()
                              ? "flakeid was loaded during a parallel operation, when PostgreSQL "
                                "changes no setting."
                              : "PostgreSQL did not apply it when flakeid was loaded.");
  return true;
}

const Rejection* taken_over_rejection(int index) noexcept {
  return index >= 0 && index < takeover.marked_count ? &takeover.marked[index] : nullptr;
}

const Rejection* marked_rejection(int value) noexcept {
  if (!takeover.active) return nullptr;
  const long long index = static_cast<long long>(value) - kFirstMarker;
  if (index < 0 || index >= takeover.marked_count) return nullptr;
  return &takeover.marked[index];
}

const Rejection* marked_rejection(const char* text) noexcept {
  if (!takeover.active || text == nullptr) return nullptr;
  char* end = nullptr;
  errno = 0;
  const long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < INT_MIN || value > INT_MAX) {
    return nullptr;
  }
  return marked_rejection(static_cast<int>(value));
}

int unknown_placeholders(const char* prefix, const char* const* known, int count, Rejection* out,
                         int max) noexcept {
  int found = 0;
  int total = 0;
#if PG_VERSION_NUM >= 160000
  config_generic** all = get_guc_variables(&total);
#else
  config_generic** all = get_guc_variables();
  total = GetNumConfigOptions();
#endif
  const std::size_t prefix_length = strlen(prefix);
  for (int i = 0; i < total && found < max; ++i) {
    const config_generic& gen = *all[i];
    if ((gen.flags & GUC_CUSTOM_PLACEHOLDER) == 0 ||
        pg_strncasecmp(gen.name, prefix, prefix_length) != 0) {
      continue;
    }
    if (gen.source == PGC_S_DEFAULT && gen.reset_source == PGC_S_DEFAULT) continue;  // no value
    bool is_known = false;
    for (int k = 0; k < count && !is_known; ++k) is_known = pg_strcasecmp(gen.name, known[k]) == 0;
    if (is_known) continue;
    const config_string& holder = reinterpret_cast<const config_string&>(gen);
    Rejection& rejection = out[found++];
    rejection = Rejection{};
    rejection.kind = RejectionKind::kUnknownName;
    rejection.source = gen.source != PGC_S_DEFAULT ? gen.source : gen.reset_source;
    set_field(rejection.setting, gen.name);
    set_field(rejection.value, *holder.variable != nullptr ? *holder.variable : holder.reset_val);
    set_field(rejection.how, gen.stack != nullptr ? how_of(gen.stack->state) : "set");
    set_field(rejection.reason, "flakeid has no setting of that name.");
    note_file(gen, &rejection);
  }
  return found;
}

bool configuration_files_name(const char* name) noexcept {
  ConfigVariable* head = nullptr;
  // A file that cannot be parsed counts as naming it still.
  if (!read_configuration_files(&head)) return true;
  bool named = false;
  for (const ConfigVariable* item = head; item != nullptr && !named; item = item->next) {
    named = item->name != nullptr && pg_strcasecmp(item->name, name) == 0;
  }
  FreeConfigVariables(head);
  return named;
}

int configuration_files_entries(const char* prefix, FileEntry* out, int max) noexcept {
  ConfigVariable* head = nullptr;
  if (!read_configuration_files(&head)) return 0;
  const std::size_t prefix_length = strlen(prefix);
  int count = 0;
  for (const ConfigVariable* item = head; item != nullptr; item = item->next) {
    if (item->name == nullptr || item->value == nullptr ||
        pg_strncasecmp(item->name, prefix, prefix_length) != 0) {
      continue;
    }
    int at = 0;
    while (at < count && pg_strcasecmp(out[at].name, item->name) != 0) ++at;
    if (at == count) {
      if (count == max) continue;
      ++count;
    }
    FileEntry& entry = out[at];
    strlcpy(entry.name, item->name, sizeof(entry.name));
    strlcpy(entry.value, item->value, sizeof(entry.value));
    strlcpy(entry.file, item->filename != nullptr ? item->filename : "", sizeof(entry.file));
    entry.line = item->sourceline;
  }
  FreeConfigVariables(head);
  return count;
}

GucSource setting_source(const char* name) noexcept {
  const config_generic* found = find_setting(name);
  return found != nullptr ? found->source : PGC_S_DEFAULT;
}

void narrow_int_setting(const char* name, int min) noexcept {
  config_generic* defined = find_setting(name);
  if (defined != nullptr && defined->vartype == PGC_INT) {
    reinterpret_cast<config_int*>(defined)->min = min;
  }
}

void narrow_enum_setting(const char* name, const config_enum_entry* options) noexcept {
  config_generic* defined = find_setting(name);
  if (defined != nullptr && defined->vartype == PGC_ENUM) {
    reinterpret_cast<config_enum*>(defined)->options = options;
  }
}

}  // namespace flakeid::pg
