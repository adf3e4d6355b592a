// flakeid's settings: definitions, check hooks and the parsed values they leave behind.
#include "pg/settings.hpp"

#include <climits>
#include <cstdlib>
#include <new>
#include <string_view>

#include "core/epoch.hpp"
#include "core/text.hpp"
#include "pg/report.hpp"

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

// Stores a parsed value as a GUC "extra", allocated the way the server will free it.
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

// Check hook of a text setting the core parses (flakeid.layout with parse_layout,
// flakeid.epoch with parse_epoch): keeps the parsed value, or says through `help` why the
// text was refused and what would be accepted.
template <typename T, Result<T> (*parse)(std::string_view) noexcept, ErrorHelp (*help)(Error)>
bool check_parsed(char** newval, void** extra, GucSource) noexcept {
  const Result<T> parsed = parse(*newval != nullptr ? *newval : "");
  if (!parsed.ok()) {
    const ErrorHelp why = help(parsed.error);
    GUC_check_errdetail("%s", why.detail);
    GUC_check_errhint("%s", why.hint);
    return false;
  }
  return keep_extra(extra, parsed.value);
}

// Assign hook of a text setting the core parses: takes the value its check hook kept.
template <typename T, T* value>
void assign_parsed(const char*, void* extra) noexcept {
  *value = *static_cast<T*>(extra);
  ++generation;
}

// Assign hook of the integer settings: they only need the generator to re-resolve.
void assign_int(int, void*) noexcept {
  ++generation;
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
  DefineCustomStringVariable(
      "flakeid.layout",
      "Layout of the IDs: a preset name or timestamp,datacenter,machine,sequence bits.",
      "Presets: twitter, minimal, single_dc, large_cluster, high_throughput.", &layout_text,
      kDefaultLayoutName.data(), PGC_SUSET, 0, check_parsed<Layout, parse_layout, layout_help>,
      assign_parsed<Layout, &layout_value>, nullptr);
  DefineCustomStringVariable(
      "flakeid.epoch", "Epoch of the IDs' timestamps: ISO-8601 with a zone, or Unix milliseconds.",
      nullptr, &epoch_text, "2020-01-01 00:00:00+00", PGC_SUSET, 0,
      check_parsed<std::int64_t, parse_epoch, epoch_help>,
      assign_parsed<std::int64_t, &epoch_value>, nullptr);
  DefineCustomIntVariable("flakeid.datacenter_id",
                          "Datacenter id written into the IDs of this server.",
                          "-1 takes FLAKEID_DATACENTER_ID from the server's environment, else 0.",
                          &datacenter_id, kNodeIdFromEnvironment, kNodeIdFromEnvironment,
                          kNodeIdMax, PGC_SIGHUP, 0, nullptr, assign_int, nullptr);
  DefineCustomIntVariable("flakeid.machine_id", "Machine id written into the IDs of this server.",
                          "-1 takes FLAKEID_MACHINE_ID from the server's environment, else 0.",
                          &machine_id, kNodeIdFromEnvironment, kNodeIdFromEnvironment, kNodeIdMax,
                          PGC_SIGHUP, 0, nullptr, assign_int, nullptr);
  DefineCustomIntVariable(
      "flakeid.clock_tolerance_ms",
      "How far the clock may step back behind the last ID and be waited out rather than refused.",
      nullptr, &clock_tolerance_ms, kToleranceDefaultMs, 0, kToleranceMaxMs, PGC_SUSET, GUC_UNIT_MS,
      nullptr, assign_int, nullptr);
  DefineCustomEnumVariable(
      "flakeid.clock_policy",
      "What to do when the clock is behind the last ID: wait for it, or count on logically.",
      "wait: wait out steps back within flakeid.clock_tolerance_ms, refuse larger ones. "
      "logical: go on from the last ID, at most flakeid.max_clock_lead_ms ahead of the clock.",
      &clock_policy, kPolicyWait, kClockPolicies, PGC_SIGHUP, 0, nullptr, assign_int, nullptr);
  DefineCustomIntVariable("flakeid.max_clock_lead_ms",
                          "Under the logical clock policy, how far IDs may run ahead of the clock.",
                          nullptr, &max_clock_lead_ms, kMaxLeadDefaultMs, 0, kMaxLeadMaxMs,
                          PGC_SIGHUP, GUC_UNIT_MS, nullptr, assign_int, nullptr);
  MarkGUCPrefixReserved("flakeid");
}

std::uint64_t settings_generation() noexcept {
  return generation;
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
