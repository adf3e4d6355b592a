// flakeid's settings: definitions, check hooks and the parsed values they leave behind.
#include "pg/settings/settings.hpp"

extern "C" {
#include "access/parallel.h"
#include "access/xact.h"
}

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <string_view>

#include "core/epoch.hpp"
#include "core/text.hpp"
#include "pg/settings/placeholders.hpp"
#include "pg/errors/errors.hpp"
#include "pg/settings/stored_settings.hpp"

namespace flakeid::pg {

namespace {

// Counts the changes of any flakeid setting in this backend: every assign hook adds one.
// It starts above 0, the generation of a reader that has resolved nothing yet.
std::uint64_t generation = 1;

constexpr int kNodeIdFromEnvironment = -1;
constexpr int kNodeIdMax = INT_MAX;
constexpr int kToleranceDefaultMs = 10;
constexpr int kToleranceMaxMs = 3600 * 1000;

char* layout_text = nullptr;
char* epoch_text = nullptr;
int datacenter_id = kNodeIdFromEnvironment;
int machine_id = kNodeIdFromEnvironment;
int clock_tolerance_ms = kToleranceDefaultMs;
constexpr int kMaxLeadDefaultMs = 1000;
constexpr int kMaxLeadMaxMs = 7 * 24 * 3600 * 1000;  // a week
int max_clock_lead_ms = kMaxLeadDefaultMs;

enum ClockPolicyChoice { kPolicyWait, kPolicyLogical };
int clock_policy = kPolicyWait;
const config_enum_entry kClockPolicies[] = {
    {"wait", kPolicyWait, false},
    {"logical", kPolicyLogical, false},
    {nullptr, 0, false},
};

// The parsed values, set by the assign hooks from what the check hooks parsed.
Layout layout_value;
std::int64_t epoch_value = kDefaultEpochMs;

// The rejected value each setting holds, when it holds one: copied by the assign hooks from
// the setting's GUC extra, where PostgreSQL keeps it with the value it stands for.
struct Held {
  bool rejected = false;
  Rejection rejection;
};
FLAKEID_NO_DESTRUCTOR(Held);
Held held[static_cast<unsigned>(Setting::kCount)];

// Refusals that PostgreSQL keeps no value for: values it did not apply at all when flakeid
// was loaded, and flakeid.* names that are no setting. They hold for the process; an
// unknown name set in a configuration file ends when a reload shows it gone.
struct Standing {
  Rejection rejection;
  SettingSet settings;     // the settings it stands in the way of
  TimestampTz checked_at;  // when the configuration files last still named it
};
FLAKEID_NO_DESTRUCTOR(Standing);
constexpr int kMaxStanding = 8;
Standing standing[kMaxStanding];
int standing_count = 0;

// The text PostgreSQL keeps for a rejected value of a text setting: SHOW shows it, and a
// parallel worker gets it from its leader, whose check hook then knows it for a rejection.
constexpr std::string_view kRejectedPrefix = "rejected: ";

// A text setting's GUC extra: its parsed value, or the rejection that stands in its place.
template <typename T>
struct Parsed {
  T value;
  bool rejected;
  Rejection rejection;
};

// Stores a value as a GUC "extra", allocated the way the server will free it.
template <typename T>
bool keep_extra(void** extra, const T& value) noexcept {
#if PG_VERSION_NUM >= 160000
  void* memory = guc_malloc(LOG, sizeof(T));
#else
  void* memory = malloc(sizeof(T));  // before 16 the server frees extras with free()
#endif
  if (memory == nullptr) return false;
  *extra = new (memory) T(value);
  return true;
}

// Replaces the text a check hook was given, allocated the way the server will free it.
bool replace_text(char** newval, const char* text) noexcept {
#if PG_VERSION_NUM >= 160000
  char* copy = guc_strdup(LOG, text);
  if (copy != nullptr) guc_free(*newval);
#else
  char* copy = strdup(text);
  if (copy != nullptr) free(*newval);
#endif
  if (copy == nullptr) return false;
  *newval = copy;
  return true;
}

// Keeps `rejection` as a text setting's value: the text "rejected: <value>", and an extra
// that says so.
template <typename T>
bool keep_rejected_text(const Rejection& rejection, char** newval, void** extra) noexcept {
  char text[sizeof(rejection.value) + kRejectedPrefix.size()];
  snprintf(text, sizeof(text), "%.*s%s", static_cast<int>(kRejectedPrefix.size()),
           kRejectedPrefix.data(), rejection.value);
  return replace_text(newval, text) && keep_extra(extra, Parsed<T>{T{}, true, rejection});
}

// The rejection a parallel worker finds in its leader's rejected text value.
Rejection rejection_from_leader(const char* setting, const char* text, GucSource source) {
  Rejection rejection;
  rejection.source = source;
  set_field(rejection.setting, setting);
  set_field(rejection.value, text + kRejectedPrefix.size());
  set_field(rejection.reason,
            "The session that started this parallel worker holds it as a rejected value.");
  return rejection;
}

// Whether a value comes from pg_db_role_setting, applied as a session starts.
bool stored_per_database_or_role(GucSource source) {
  return source == PGC_S_GLOBAL || source == PGC_S_DATABASE || source == PGC_S_USER ||
         source == PGC_S_DATABASE_USER;
}

// Check hook of a text setting the core parses (flakeid.layout with parse_layout,
// flakeid.epoch with parse_epoch): keeps the parsed value, or says through `help` why the
// text was refused and what would be accepted. A takeover's marker, or a rejected value
// passed on to a parallel worker, is kept as a rejection. So is an invalid value stored
// with ALTER DATABASE / ROLE ... SET while flakeid was not loaded, which a session where
// flakeid is already loaded (preloaded) applies as it starts: PostgreSQL would drop it with
// a WARNING and leave the default in force.
template <const char* name, typename T, Result<T> (*parse)(std::string_view) noexcept,
          ErrorHelp (*help)(Error) noexcept>
bool check_parsed(char** newval, void** extra, GucSource source) noexcept {
  const char* text = *newval != nullptr ? *newval : "";
  if (const Rejection* marked = marked_rejection(text)) {
    return keep_rejected_text<T>(*marked, newval, extra);
  }
  if (InitializingParallelWorker &&
      strncmp(text, kRejectedPrefix.data(), kRejectedPrefix.size()) == 0) {
    return keep_extra(extra, Parsed<T>{T{}, true, rejection_from_leader(name, text, source)});
  }
  const Result<T> parsed = parse(text);
  if (!parsed.ok() && stored_per_database_or_role(source)) {
    Rejection rejection;
    rejection.source = source;
    set_field(rejection.setting, name);
    set_field(rejection.value, text);
    set_field(rejection.reason, help(parsed.error).detail);
    return keep_rejected_text<T>(rejection, newval, extra);
  }
  if (!parsed.ok()) {
    const ErrorHelp why = help(parsed.error);
    GUC_check_errdetail("%s", why.detail);
    GUC_check_errhint("%s", why.hint);
    return false;
  }
  return keep_extra(extra, Parsed<T>{parsed.value, false, Rejection{}});
}

// Assign hook of a text setting the core parses: takes the value its check hook kept, or
// the rejection that stands in its place.
template <Setting setting, typename T, T* value>
void assign_parsed(const char*, void* extra) noexcept {
  const Parsed<T>& parsed = *static_cast<const Parsed<T>*>(extra);
  Held& h = held[static_cast<unsigned>(setting)];
  h.rejected = parsed.rejected;
  if (parsed.rejected) {
    h.rejection = parsed.rejection;
  } else {
    *value = parsed.value;
  }
  ++generation;
}

// Check hook of the integer and enum settings: their values are checked by PostgreSQL; a
// takeover's marker is kept as a rejection, in place of the value in force (`variable`),
// which stays as it would when PostgreSQL refuses a value.
template <int* variable>
bool check_marked(int* newval, void** extra, GucSource) noexcept {
  const Rejection* marked = marked_rejection(*newval);
  if (marked == nullptr) return true;  // no extra: not rejected
  *newval = *variable;
  return keep_extra(extra, *marked);
}

// Assign hook of the integer and enum settings: notes whether the value is a rejection, and
// has the generator resolve the settings again.
template <Setting setting>
void assign_marked(int, void* extra) noexcept {
  Held& h = held[static_cast<unsigned>(setting)];
  h.rejected = extra != nullptr;
  if (h.rejected) h.rejection = *static_cast<const Rejection*>(extra);
  ++generation;
}

// Takeover checks of values set before flakeid was loaded, one per kind of setting.
bool layout_accepts(const SettingSpec&, const char* text, char* why, std::size_t size) noexcept {
  const Result<Layout> parsed = parse_layout(text);
  if (!parsed.ok()) strlcpy(why, layout_help(parsed.error).detail, size);
  return parsed.ok();
}
bool epoch_accepts(const SettingSpec&, const char* text, char* why, std::size_t size) noexcept {
  const Result<std::int64_t> parsed = parse_epoch(text);
  if (!parsed.ok()) strlcpy(why, epoch_help(parsed.error).detail, size);
  return parsed.ok();
}
bool int_accepts(const SettingSpec& spec, const char* text, char* why, std::size_t size) noexcept {
  const char* unit = (spec.flags & GUC_UNIT_MS) != 0 ? " ms" : "";
  int value = 0;
  const char* hint = nullptr;
  if (!parse_int(text, &value, spec.flags, &hint)) {
    snprintf(why, size, "It is not an integer%s.%s%s", unit[0] != '\0' ? " of a valid unit" : "",
             hint != nullptr ? " " : "", hint != nullptr ? hint : "");
    return false;
  }
  if (value < spec.min || value > spec.max) {
    snprintf(why, size, "It is outside the valid range, %d%s to %d%s.", spec.min, unit, spec.max,
             unit);
    return false;
  }
  return true;
}
bool clock_policy_accepts(const SettingSpec&, const char* text, char* why,
                          std::size_t size) noexcept {
  for (const config_enum_entry* option = kClockPolicies; option->name != nullptr; ++option) {
    if (pg_strcasecmp(text, option->name) == 0) return true;
  }
  strlcpy(why, "A clock policy is wait or logical.", size);
  return false;
}

// The settings' names, for the templates' parameters and the takeover.
constexpr char kLayoutName[] = "flakeid.layout";
constexpr char kEpochName[] = "flakeid.epoch";
constexpr char kDatacenterIdName[] = "flakeid.datacenter_id";
constexpr char kMachineIdName[] = "flakeid.machine_id";
constexpr char kToleranceName[] = "flakeid.clock_tolerance_ms";
constexpr char kPolicyName[] = "flakeid.clock_policy";
constexpr char kMaxLeadName[] = "flakeid.max_clock_lead_ms";
const char* const kNames[] = {kLayoutName,    kEpochName,  kDatacenterIdName, kMachineIdName,
                              kToleranceName, kPolicyName, kMaxLeadName};

// Each setting's checks, in the order of Setting.
const SettingSpec kSpecs[] = {
    {kLayoutName, PGC_SUSET, layout_accepts},
    {kEpochName, PGC_SUSET, epoch_accepts},
    {kDatacenterIdName, PGC_SIGHUP, int_accepts, kNodeIdFromEnvironment, kNodeIdMax},
    {kMachineIdName, PGC_SIGHUP, int_accepts, kNodeIdFromEnvironment, kNodeIdMax},
    {kToleranceName, PGC_SUSET, int_accepts, 0, kToleranceMaxMs, GUC_UNIT_MS},
    {kPolicyName, PGC_SIGHUP, clock_policy_accepts},
    {kMaxLeadName, PGC_SIGHUP, int_accepts, 0, kMaxLeadMaxMs, GUC_UNIT_MS}};
static_assert(std::size(kSpecs) == static_cast<std::size_t>(Setting::kCount));

// The spec of a setting.
const SettingSpec& spec_of(Setting setting) {
  return kSpecs[static_cast<unsigned>(setting)];
}

// Values of the configuration files that this backend cannot apply, as of the last reload
// it saw (PgReloadTime): a reload of files whose flakeid.* value is invalid, or whose name
// is no flakeid setting, leaves the earlier value in force where flakeid is loaded
// (PostgreSQL logs "configuration file contains errors"), and from 17 ALTER SYSTEM writes
// such values unchecked in a session that has not loaded flakeid. Each one refuses the
// settings it stands for while the files decide that setting's value.
struct FileRefusals {
  bool checked = false;
  TimestampTz reload_time = 0;
  int count = 0;
  Rejection rejection[kMaxStanding];
  SettingSet settings[kMaxStanding];
};
FLAKEID_NO_DESTRUCTOR(FileRefusals);
FileRefusals file_refusals;

// Reads the flakeid.* values of the configuration files, as a reload has them now, and
// notes each one that PostgreSQL cannot apply.
void check_configuration_files() {
  file_refusals.checked = true;
  file_refusals.reload_time = PgReloadTime;
  file_refusals.count = 0;
  FileEntry entries[kMaxStanding * 2];
  const int count =
      configuration_files_entries("flakeid.", entries, static_cast<int>(std::size(entries)));
  for (int i = 0; i < count && file_refusals.count < kMaxStanding; ++i) {
    const FileEntry& entry = entries[i];
    Rejection rejection;
    rejection.source = PGC_S_FILE;
    rejection.at_reload = true;
    rejection.line = entry.line;
    set_field(rejection.setting, entry.name);
    set_field(rejection.value, entry.value);
    set_field(rejection.file, entry.file);
    SettingSet settings = kAllSettings;
    const SettingSpec* spec = nullptr;
    for (unsigned s = 0; s < std::size(kSpecs) && spec == nullptr; ++s) {
      if (pg_strcasecmp(entry.name, kSpecs[s].name) == 0) {
        spec = &kSpecs[s];
        settings = 1u << s;
      }
    }
    if (spec == nullptr) {
      rejection.kind = RejectionKind::kUnknownName;
      set_field(rejection.reason, "flakeid has no setting of that name.");
    } else if (spec->accepts(*spec, entry.value, rejection.reason, sizeof(rejection.reason))) {
      continue;
    }
    file_refusals.rejection[file_refusals.count] = rejection;
    file_refusals.settings[file_refusals.count++] = settings;
  }
}

// The refusal of a configuration file's value among the settings `uses`, while the files
// decide the value (nothing of a higher priority, such as a SET or ALTER ROLE ... SET,
// overrides it); checks the files again after each reload.
const Rejection* file_refusal(SettingSet uses) {
  if (!file_refusals.checked || file_refusals.reload_time != PgReloadTime) {
    check_configuration_files();
  }
  for (int i = 0; i < file_refusals.count; ++i) {
    if ((file_refusals.settings[i] & uses) == 0) continue;
    const Rejection& r = file_refusals.rejection[i];
    if (r.kind == RejectionKind::kUnknownName || setting_source(r.setting) <= PGC_S_FILE) {
      return &r;
    }
  }
  return nullptr;
}

// Values stored for this session with ALTER DATABASE / ROLE ... SET (pg_db_role_setting)
// that PostgreSQL did not put in force as the session started. Stored while flakeid was not
// loaded, they could not be checked; where flakeid is preloaded, PostgreSQL drops a server
// setting there ("cannot be changed now") and an invalid integer or enum value with a
// WARNING, and the value below it would be in force (issue 19: node ids stored for a
// database made IDs of node 0|0). Each one refuses its setting while nothing of a higher
// priority (a SET) has replaced it. Where flakeid is loaded later, the takeover already
// holds such a value as rejected, in force with its source: it is not counted twice.
struct StoredRefusals {
  bool checked = false;
  int count = 0;
  Rejection rejection[static_cast<unsigned>(Setting::kCount)];
  unsigned setting[static_cast<unsigned>(Setting::kCount)];
};
FLAKEID_NO_DESTRUCTOR(StoredRefusals);
StoredRefusals stored_refusals;

// Reads, once per backend, the values stored for this session and notes each one that
// PostgreSQL did not apply.
void check_stored_settings() {
  stored_refusals.checked = true;
  for (unsigned s = 0; s < std::size(kSpecs); ++s) {
    const SettingSpec& spec = kSpecs[s];
    StoredValue stored;
    if (!stored_setting(spec.name, &stored) || setting_source(spec.name) >= stored.source) {
      continue;  // none, or applied (or the takeover's rejection of it is in force)
    }
    Rejection rejection;
    rejection.source = stored.source;
    set_field(rejection.setting, spec.name);
    set_field(rejection.value, stored.value);
    if (spec.context == PGC_SIGHUP) {
      rejection.kind = RejectionKind::kContext;
      set_server_setting_reason(&rejection, spec.name);
    } else if (spec.accepts(spec, stored.value, rejection.reason, sizeof(rejection.reason))) {
      // A valid value: stored after this session started (PostgreSQL applies stored values
      // only then: attack19 S1 found this called "set before flakeid was loaded" in the
      // session that ran ALTER DATABASE ... SET), or refused then for the role that stored
      // it. The catalog does not tell which; both refuse, with both causes named.
      rejection.kind = RejectionKind::kNotInForce;
      set_field(rejection.reason,
                "PostgreSQL applies stored values when a session starts: this session started "
                "before it was stored, or PostgreSQL refused it then (stored while flakeid was "
                "not loaded, by a role that may not set it).");
    }
    stored_refusals.rejection[stored_refusals.count] = rejection;
    stored_refusals.setting[stored_refusals.count++] = s;
  }
}

// The refusal of a stored value among the settings `uses`, while it is the value that would
// be in force (nothing of a higher priority has been set since).
const Rejection* stored_refusal(SettingSet uses) {
  if (!stored_refusals.checked) {
    if (!IsTransactionState()) return nullptr;  // the catalogs cannot be read: next time
    check_stored_settings();
  }
  for (int i = 0; i < stored_refusals.count; ++i) {
    const Rejection& rejection = stored_refusals.rejection[i];
    if ((uses & (1u << stored_refusals.setting[i])) != 0 &&
        setting_source(rejection.setting) < rejection.source) {
      return &rejection;
    }
  }
  return nullptr;
}

// Adds a refusal that PostgreSQL keeps no value for, and says so.
void add_standing(const Rejection& rejection, SettingSet settings) {
  report_rejected_setting(WARNING, rejection);
  if (standing_count == kMaxStanding) return;  // the first ones already refuse
  standing[standing_count++] = {rejection, settings, GetCurrentTimestamp()};
}

// Defines one setting (`define` calls DefineCustom…Variable), taking over the values set
// before flakeid was loaded; each one held as rejected is reported as a WARNING, as
// PostgreSQL reports the values it refuses.
template <typename Define>
void define_setting(const SettingSpec& spec, Setting setting, Define define) {
  placeholder_take_over(spec);
  define();
  Rejection lost;
  const bool was_lost = placeholder_take_over_end(spec, &lost);
  for (int i = 0; const Rejection* rejected = taken_over_rejection(i); ++i) {
    report_rejected_setting(WARNING, *rejected);
  }
  if (was_lost) add_standing(lost, setting_bit(setting));
}

// What DefineCustom…Variable takes besides the spec.
struct Description {
  const char* short_desc;
  const char* long_desc;
};

// Defines a text setting the core parses.
void define_text(const SettingSpec& spec, Setting setting, Description text, char** variable,
                 const char* boot, GucStringCheckHook check, GucStringAssignHook assign) {
  define_setting(spec, setting, [&] {
    DefineCustomStringVariable(spec.name, text.short_desc, text.long_desc, variable, boot,
                               spec.context, spec.flags, check, assign, nullptr);
  });
}

// Defines an integer setting. It admits the takeover's markers as its lowest value until
// the values set before flakeid was loaded are taken over, then only its real range.
void define_int(const SettingSpec& spec, Setting setting, Description text, int* variable, int boot,
                GucIntCheckHook check, GucIntAssignHook assign) {
  define_setting(spec, setting, [&] {
    DefineCustomIntVariable(spec.name, text.short_desc, text.long_desc, variable, boot,
                            kFirstMarker, spec.max, spec.context, spec.flags, check, assign,
                            nullptr);
  });
  narrow_int_setting(spec.name, spec.min);
}

// `options` (ending with a null name) followed by `markers` hidden options, the takeover's
// markers "-2147483648", "-2147483647", ... (malloc'd; PostgreSQL reads them until the
// setting is narrowed, once per process). nullptr when out of memory.
config_enum_entry* options_and_markers(const config_enum_entry* options, int markers) {
  int count = 0;
  while (options[count].name != nullptr) ++count;
  constexpr std::size_t kNameSize = 12;  // "-2147483648" and its end
  auto* entries = static_cast<config_enum_entry*>(
      malloc(sizeof(config_enum_entry) * (count + markers + 1) + kNameSize * markers));
  if (entries == nullptr) return nullptr;
  char* names = reinterpret_cast<char*>(entries + count + markers + 1);
  for (int i = 0; i < count; ++i) entries[i] = options[i];
  for (int i = 0; i < markers; ++i) {
    char* name = names + kNameSize * i;
    snprintf(name, kNameSize, "%d", kFirstMarker + i);
    entries[count + i] = {name, kFirstMarker + i, true};
  }
  entries[count + markers] = {nullptr, 0, false};
  return entries;
}

// Defines an enum setting. It admits the takeover's markers as hidden options until the
// values set before flakeid was loaded are taken over, then only `options`.
void define_enum(const SettingSpec& spec, Setting setting, Description text, int* variable,
                 int boot, const config_enum_entry* options, GucEnumCheckHook check,
                 GucEnumAssignHook assign) {
  define_setting(spec, setting, [&] {
    // As many marker options as the takeover put markers in.
    const config_enum_entry* with_markers = options_and_markers(options, placeholder_markers());
    if (with_markers == nullptr) {
      placeholder_take_over_failed();  // its markers would be refused: fail closed
      with_markers = options;
    }
    DefineCustomEnumVariable(spec.name, text.short_desc, text.long_desc, variable, boot,
                             with_markers, spec.context, spec.flags, check, assign, nullptr);
  });
  narrow_enum_setting(spec.name, options);
}

// Whether a standing refusal has ended: an unknown name set in a configuration file, gone
// from the files after a reload.
bool standing_ended(Standing& refusal) {
  if (refusal.rejection.kind != RejectionKind::kUnknownName ||
      refusal.rejection.source != PGC_S_FILE || PgReloadTime <= refusal.checked_at) {
    return false;
  }
  if (configuration_files_name(refusal.rejection.setting)) {
    refusal.checked_at = GetCurrentTimestamp();
    return false;
  }
  return true;
}

// Resolves a node id setting: its own value, or -1 for the environment variable, else 0.
NodeId resolve_node_id(int setting, const char* env_name) {
  NodeId id;
  id.env_name = env_name;
  if (setting != kNodeIdFromEnvironment) {
    id.value = static_cast<std::uint64_t>(setting);
    id.source = NodeIdSource::kSetting;
    return id;
  }
  const char* env = getenv(env_name);
  if (env == nullptr) return id;
  id.source = NodeIdSource::kEnvironment;
  if (!text::parse_uint(text::trim(env), static_cast<std::uint64_t>(kNodeIdMax), &id.value)) {
    id.error = Error::kNodeIdSyntax;
    id.env_text = env;
  }
  return id;
}

}  // namespace

void settings_init() noexcept {
  define_text(spec_of(Setting::kLayout), Setting::kLayout,
              {"Layout of the IDs: a preset name or timestamp,datacenter,machine,sequence bits.",
               "Presets: twitter, minimal, single_dc, large_cluster, high_throughput, js_safe."},
              &layout_text, kDefaultLayoutName.data(),
              check_parsed<kLayoutName, Layout, parse_layout, layout_help>,
              assign_parsed<Setting::kLayout, Layout, &layout_value>);
  define_text(
      spec_of(Setting::kEpoch), Setting::kEpoch,
      {"Epoch of the IDs' timestamps: ISO-8601 with a zone, or Unix milliseconds.", nullptr},
      &epoch_text, "2020-01-01 00:00:00+00",
      check_parsed<kEpochName, std::int64_t, parse_epoch, epoch_help>,
      assign_parsed<Setting::kEpoch, std::int64_t, &epoch_value>);
  define_int(spec_of(Setting::kDatacenterId), Setting::kDatacenterId,
             {"Datacenter id written into the IDs of this server.",
              "-1 takes FLAKEID_DATACENTER_ID from the server's environment, else 0."},
             &datacenter_id, kNodeIdFromEnvironment, check_marked<&datacenter_id>,
             assign_marked<Setting::kDatacenterId>);
  define_int(spec_of(Setting::kMachineId), Setting::kMachineId,
             {"Machine id written into the IDs of this server.",
              "-1 takes FLAKEID_MACHINE_ID from the server's environment, else 0."},
             &machine_id, kNodeIdFromEnvironment, check_marked<&machine_id>,
             assign_marked<Setting::kMachineId>);
  define_int(spec_of(Setting::kClockToleranceMs), Setting::kClockToleranceMs,
             {"How far the clock may step back behind the last ID and be waited out rather than "
              "refused.",
              nullptr},
             &clock_tolerance_ms, kToleranceDefaultMs, check_marked<&clock_tolerance_ms>,
             assign_marked<Setting::kClockToleranceMs>);
  define_enum(spec_of(Setting::kClockPolicy), Setting::kClockPolicy,
              {"What to do when the clock is behind the last ID: wait for it, or count on "
               "logically.",
               "wait: wait out steps back within flakeid.clock_tolerance_ms, refuse larger ones. "
               "logical: go on from the last ID, at most flakeid.max_clock_lead_ms ahead of the "
               "clock."},
              &clock_policy, kPolicyWait, kClockPolicies, check_marked<&clock_policy>,
              assign_marked<Setting::kClockPolicy>);
  define_int(spec_of(Setting::kMaxClockLeadMs), Setting::kMaxClockLeadMs,
             {"Under the logical clock policy, how far IDs may run ahead of the clock.", nullptr},
             &max_clock_lead_ms, kMaxLeadDefaultMs, check_marked<&max_clock_lead_ms>,
             assign_marked<Setting::kMaxClockLeadMs>);

  // A flakeid.* name that is no setting was meant for one: reserving the prefix drops it
  // with a WARNING, and flakeid would work under a default the name was set to replace.
  Rejection unknown[kMaxStanding];
  const int count = unknown_placeholders("flakeid.", kNames, static_cast<int>(std::size(kNames)),
                                         unknown, kMaxStanding);
  for (int i = 0; i < count; ++i) add_standing(unknown[i], kAllSettings);
  MarkGUCPrefixReserved("flakeid");
}

std::uint64_t settings_generation() noexcept {
  return generation;
}

const Rejection* rejected_setting(SettingSet uses) {
  if (const Rejection* stored = stored_refusal(uses)) return stored;
  for (int i = 0; i < standing_count; ++i) {
    if ((standing[i].settings & uses) == 0) continue;
    if (!standing_ended(standing[i])) return &standing[i].rejection;
    standing[i--] = standing[--standing_count];
  }
  for (unsigned s = 0; s < static_cast<unsigned>(Setting::kCount); ++s) {
    if ((uses & (1u << s)) != 0 && held[s].rejected) return &held[s].rejection;
  }
  return file_refusal(uses);
}

// Accessors of the parsed settings.
const Layout& layout_setting() {
  return layout_value;
}
std::int64_t epoch_setting_ms() {
  return epoch_value;
}

// The clock policy of the current settings.
ClockPolicy clock_policy_setting() {
  ClockPolicy policy;
  policy.tolerance_ms = clock_tolerance_ms;
  return policy;
}

std::int64_t clock_lead_setting() {
  return clock_policy == kPolicyLogical ? max_clock_lead_ms : 0;
}

// The node ids of the current settings, from the environment where they are -1.
NodeId datacenter_id_setting() {
  return resolve_node_id(datacenter_id, "FLAKEID_DATACENTER_ID");
}
NodeId machine_id_setting() {
  return resolve_node_id(machine_id, "FLAKEID_MACHINE_ID");
}

const char* node_id_source_name(NodeIdSource source) {
  switch (source) {
    case NodeIdSource::kSetting:
      return "setting";
    case NodeIdSource::kEnvironment:
      return "environment";
    case NodeIdSource::kDefault:
      return "default";
  }
  return "default";
}

}  // namespace flakeid::pg
