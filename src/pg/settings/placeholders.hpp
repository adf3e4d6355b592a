// Taking over what PostgreSQL kept of flakeid's settings before the library was loaded.
//
// A flakeid.* value set before flakeid is loaded in a process (SET in the session, ALTER
// DATABASE / ROLE ... SET, postgresql.conf, the command line, the connection's options) is
// kept as an unchecked placeholder. When the setting is defined, PostgreSQL applies each
// value the placeholder holds, and drops the ones it refuses (an invalid value, a role
// without the right, a server setting SET in a session) with a WARNING: the default, or
// the value below it, silently takes their place. flakeid checks every held value first, as
// PostgreSQL is about to, and puts a rejection marker in the place of each one PostgreSQL
// would refuse. The setting's check hook turns a marker into a rejected value, which
// PostgreSQL then keeps exactly where the refused one would have been (the session, a
// transaction, a function's SET clause, the value RESET returns to), so it stays and goes
// as that value would have: a valid SET, a RESET or a reload that fixes the file replaces it.
//
// This reads and rewrites the placeholder through PostgreSQL's GUC tables (guc_tables.h),
// the one place flakeid does: fields that are the same on every supported version.
#pragma once

#include "pg/settings/rejection.hpp"

#include <climits>
#include <cstddef>

namespace flakeid::pg {

// What the takeover needs to know of a setting.
struct SettingSpec {
  const char* name;    // "flakeid.layout"
  GucContext context;  // who may set it: PGC_SUSET or PGC_SIGHUP
  // Whether the setting accepts `text` as a value; when not, writes why into `why`.
  bool (*accepts)(const SettingSpec& spec, const char* text, char* why,
                  std::size_t why_size) noexcept;
  int min = 0;  // an integer setting's range ...
  int max = 0;
  int flags = 0;  // ... and its unit (GUC_UNIT_MS)
};

// Markers are the integers kFirstMarker, kFirstMarker + 1, ..., one per refused value, as
// values of the integer and enum settings (whose lowest value and options admit them during
// the takeover only) and as text of the string settings. No valid value of any flakeid
// setting is one.
constexpr int kFirstMarker = INT_MIN;

// Called just before DefineCustom…Variable(spec.name): checks every value a placeholder of
// the setting holds, puts a marker in the place of each value PostgreSQL would refuse, and
// starts the takeover (the markers' rejections are known until it ends).
void placeholder_take_over(const SettingSpec& spec) noexcept;

// How many markers the takeover begun last has put in (an enum setting must list that many
// as options when it is defined).
int placeholder_markers() noexcept;

// Called when the markers could not be given to the setting being defined (out of memory):
// the takeover's end then holds the setting as lost.
void placeholder_take_over_failed() noexcept;

// Called just after DefineCustom…Variable(spec.name): ends the takeover. Returns true, and
// fills `lost`, when values of the placeholder did not land even so (PostgreSQL applies none
// during a parallel operation), or could not all be marked (out of memory); the setting then
// cannot be trusted in this process.
bool placeholder_take_over_end(const SettingSpec& spec, Rejection* lost) noexcept;

// The rejections the last takeover marked, by index from 0; nullptr past the last.
const Rejection* taken_over_rejection(int index) noexcept;

// During a takeover, the rejection that the value or text marks; nullptr when it marks none.
const Rejection* marked_rejection(int value) noexcept;
const Rejection* marked_rejection(const char* text) noexcept;

// The placeholders of names under `prefix` ("flakeid.") that are none of the `count` names
// in `known` and hold a value: each is recorded in `out` (at most `max`) as a rejection of
// an unknown name. Called before the prefix is reserved, which drops them. Returns how many.
int unknown_placeholders(const char* prefix, const char* const* known, int count, Rejection* out,
                         int max) noexcept;

// Whether the server's configuration files (postgresql.conf, what it includes, and
// postgresql.auto.conf) set `name` now, as a reload would read them.
bool configuration_files_name(const char* name) noexcept;

// One entry of the configuration files.
struct FileEntry {
  char name[sizeof(Rejection::setting)];
  char value[sizeof(Rejection::value)];
  char file[sizeof(Rejection::file)];
  int line;
};

// The entries of names under `prefix` ("flakeid.") that the configuration files set now, as
// a reload reads them (the last one of each name counts), into `out` (at most `max`).
// Returns how many; 0 when the files cannot be parsed (a reload then changes nothing).
int configuration_files_entries(const char* prefix, FileEntry* out, int max) noexcept;

// Where the value in force of the setting `name` comes from (PGC_S_DEFAULT if none).
GucSource setting_source(const char* name) noexcept;

// Sets the lowest value of the integer setting `name` once it is defined: defined with
// INT_MIN, it admits markers during the takeover; the real bound holds after.
void narrow_int_setting(const char* name, int min) noexcept;

// Sets the options of the enum setting `name` once it is defined (without the markers it
// was defined with).
void narrow_enum_setting(const char* name, const config_enum_entry* options) noexcept;

}  // namespace flakeid::pg
