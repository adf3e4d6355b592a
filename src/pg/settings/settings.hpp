// flakeid's settings (GUCs): the layout and epoch of a database, and the node ids of the
// server. Check hooks parse and validate when a value is set; the parsed values are kept
// here so the hot path never parses. A value PostgreSQL refused when flakeid was loaded
// (see placeholders.hpp) is kept as a rejection in its place, and the functions that use
// the setting refuse until a valid value replaces it.
#pragma once

#include "pg/functions/sql_function.hpp"

#include <cstdint>

#include "core/error.hpp"
#include "core/generator.hpp"
#include "core/layout.hpp"
#include "pg/settings/rejection.hpp"

namespace flakeid::pg {

// Where a node id came from.
enum class NodeIdSource { kSetting, kEnvironment, kDefault };

// A node id after -1 ("from the environment") has been resolved.
struct NodeId {
  std::uint64_t value = 0;
  NodeIdSource source = NodeIdSource::kDefault;
  Error error = Error::kOk;   // kNodeIdSyntax when the environment value is bad
  const char* env_name = "";  // the environment variable consulted
  const char* env_text = "";  // its value, when it was bad
};
FLAKEID_NO_DESTRUCTOR(NodeId);

// The settings, as bits of a set of them.
enum class Setting : unsigned {
  kLayout,
  kEpoch,
  kDatacenterId,
  kMachineId,
  kClockToleranceMs,
  kClockPolicy,
  kMaxClockLeadMs,
  kCount
};
using SettingSet = unsigned;
constexpr SettingSet setting_bit(Setting setting) {
  return 1u << static_cast<unsigned>(setting);
}
// What the functions read: the ones that decode or bound IDs the layout and epoch, the
// generator every setting, flakeid_status() the node ids and the clock policy.
constexpr SettingSet kLayoutAndEpoch = setting_bit(Setting::kLayout) | setting_bit(Setting::kEpoch);
constexpr SettingSet kAllSettings = (1u << static_cast<unsigned>(Setting::kCount)) - 1;
constexpr SettingSet kNodeIdsAndClock = kAllSettings & ~kLayoutAndEpoch;

// Defines the settings, taking over the values set before flakeid was loaded; called once
// from _PG_init.
void settings_init() noexcept;

// How many times a flakeid setting has changed in this backend. A reader keeps the value
// it last resolved the settings at, and resolves them again when this differs.
std::uint64_t settings_generation() noexcept;

// The refusal that stands in the way of a function reading the settings `uses`: the first
// of them that holds a rejected value, or one that holds for every setting (an unknown
// flakeid.* name set before flakeid was loaded); nullptr when they are all as asked for.
const Rejection* rejected_setting(SettingSet uses);

const Layout& layout_setting();
std::int64_t epoch_setting_ms();
ClockPolicy clock_policy_setting();

// How far the server's clock policy lets IDs run ahead of the clock, in ms: 0 under
// flakeid.clock_policy = wait, flakeid.max_clock_lead_ms under logical. A server setting:
// the generator puts it in force for every state through the shared ClockLead.
std::int64_t clock_lead_setting();
NodeId datacenter_id_setting();
NodeId machine_id_setting();

// Human name of a node id's source ("setting", "environment", "default").
const char* node_id_source_name(NodeIdSource source);

}  // namespace flakeid::pg
