// flakeid's settings (GUCs): the layout and epoch of a database, and the node ids of the
// server. Check hooks parse and validate when a value is set; the parsed values are kept
// here so the hot path never parses.
#pragma once

#include "pg/guard.hpp"

#include <cstdint>

#include "core/error.hpp"
#include "core/generator.hpp"
#include "core/layout.hpp"

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

// Defines the settings; called once from _PG_init.
void settings_init() noexcept;

// How many times a flakeid setting has changed in this backend. A reader keeps the value
// it last resolved the settings at, and resolves them again when this differs.
std::uint64_t settings_generation() noexcept;

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
