// Turning the core's error codes into PostgreSQL errors.
#include "pg/errors/errors.hpp"

#include <cstdio>
#include <cstring>

#include "core/codec.hpp"
#include "core/epoch.hpp"
#include "pg/functions/time_convert.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Capacity);
FLAKEID_NO_DESTRUCTOR(Step);
FLAKEID_NO_DESTRUCTOR(Generator);

namespace {
constexpr const char* kLayoutHint =
    "Use a preset (twitter, minimal, single_dc, large_cluster, high_throughput, js_safe) or "
    "four widths such as '41,5,5,12'.";
constexpr const char* kDeclarationDetail =
    "The function's SQL declaration and the library that implements it come from different "
    "versions of flakeid.";
constexpr const char* kDeclarationHint =
    "Run ALTER EXTENSION flakeid UPDATE in this database, or install the flakeid library that "
    "matches the extension's version.";
constexpr const char* kEpochHint =
    "Use an ISO-8601 timestamp with a zone, such as '2020-01-01 00:00:00+00', or Unix "
    "milliseconds, such as 1577836800000.";
}  // namespace

ErrorHelp layout_help(Error error) noexcept {
  switch (error) {
    case Error::kLayoutUnknownPreset:
      return {"No preset has that name.", kLayoutHint};
    case Error::kLayoutFieldRange:
      return {
          "Timestamp bits must be at least 1; datacenter, machine and sequence bits each "
          "0 to 31.",
          kLayoutHint};
    case Error::kLayoutSum:
      return {"The four widths (timestamp, datacenter, machine, sequence) must add up to 63.",
              kLayoutHint};
    default:
      return {
          "A layout is a preset name or four integers T,D,M,S: the timestamp, datacenter, "
          "machine and sequence bits.",
          kLayoutHint};
  }
}

ErrorHelp epoch_help(Error error) noexcept {
  switch (error) {
    case Error::kEpochNoZone:
      return {
          "The timestamp has no zone, so the instant it names would depend on the time zone "
          "of whoever reads it.",
          "Add a zone: Z or +00 for UTC, e.g. '2020-01-01 00:00:00+00'."};
    case Error::kEpochRange:
      return {"The epoch must lie between 1970-01-01 and 9999-12-31 UTC.", kEpochHint};
    default:
      return {
          "An epoch is an ISO-8601 timestamp with a zone (YYYY-MM-DD HH:MM[:SS[.mmm]] and "
          "Z or +HH[:MM]), or an integer of milliseconds since 1970-01-01 UTC.",
          kEpochHint};
  }
}

void report_bad_layout(Error error, const char* text) {
  const ErrorHelp help = layout_help(error);
  ereport(ERROR,
          (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid flakeid layout: \"%s\"", text),
           errdetail("%s", help.detail), errhint("%s", help.hint)));
  pg_unreachable();
}

void report_bad_epoch_ms(std::int64_t epoch_ms) {
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("flakeid epoch %lld is out of range", static_cast<long long>(epoch_ms)),
                  errdetail("The epoch is in milliseconds since 1970-01-01 UTC, from 0 to %lld "
                            "(9999-12-31 23:59:59.999 UTC).",
                            static_cast<long long>(kMaxEpochMs)),
                  errhint("The default epoch, 2020-01-01 UTC, is 1577836800000.")));
  pg_unreachable();
}

void report_negative_id(std::int64_t id) {
  ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                  errmsg("%lld is not a flakeid: the sign bit is set", static_cast<long long>(id)),
                  errdetail("Every flakeid is a positive bigint."),
                  errhint("Pass an ID made by flakeid_next() or flakeid_next_ids().")));
  pg_unreachable();
}

void report_timestamp_out_of_range(std::int64_t id, std::int64_t epoch_ms,
                                   std::uint64_t timestamp_field) {
  ereport(ERROR,
          (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
           errmsg("the time of flakeid %lld is out of range for timestamptz",
                  static_cast<long long>(id)),
           errdetail("Its timestamp field is %llu ms after the epoch, %lld ms after 1970-01-01.",
                     static_cast<unsigned long long>(timestamp_field),
                     static_cast<long long>(epoch_ms)),
           errhint("Check that the ID is decoded with the layout and epoch it was made with.")));
  pg_unreachable();
}

void report_time_outside_layout(Error error, std::int64_t unix_ms, const Layout& layout,
                                std::int64_t epoch_ms) {
  const Capacity c = capacity(layout, epoch_ms);
  // unix_ms_text() returns a static buffer: copy the first before asking for the second.
  const char* time_text = pstrdup(unix_ms_text(unix_ms));
  const char* epoch_text = pstrdup(unix_ms_text(epoch_ms));
  ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                  errmsg("%s is %s of flakeid layout %d,%d,%d,%d", time_text,
                         error == Error::kTimeBeforeEpoch ? "before the epoch" : "after the range",
                         layout.timestamp_bits, layout.datacenter_bits, layout.machine_bits,
                         layout.sequence_bits),
                  errdetail("The layout holds times from %s to %s.", epoch_text,
                            c.last_ms_overflows ? "beyond PostgreSQL's calendar"
                                                : unix_ms_text(c.last_ms)),
                  errhint("No ID of this layout and epoch can carry that time; check the time, the "
                          "layout and the epoch.")));
  pg_unreachable();
}

void report_infinite_time(bool minus) {
  ereport(ERROR,
          (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
           errmsg("%s is not a time a flakeid can carry", minus ? "-infinity" : "infinity"),
           errdetail("Every flakeid carries a finite millisecond of its layout's range."),
           errhint("For an open-ended range of keys, leave that bound out, or use MINVALUE or "
                   "MAXVALUE in a partition bound.")));
  pg_unreachable();
}

void report_bad_span(Error error, const char* span_text, const Layout& layout) {
  const char* message = nullptr;
  const char* detail = nullptr;
  const char* hint = nullptr;
  switch (error) {
    case Error::kSpanMonths:
      message = "has months, which have no fixed length";
      detail =
          "An ID's time is a count of UTC milliseconds: a span in IDs must have a fixed "
          "length, in days (of 24 hours), hours, minutes, seconds or milliseconds.";
      hint = "Write the span in days, such as '30 days', or in smaller units.";
      break;
    case Error::kSpanFraction:
      message = "is not a whole number of milliseconds";
      detail =
          "An ID's time has millisecond precision: a span in IDs covers whole "
          "milliseconds.";
      hint = "Round the span to milliseconds, such as '1 ms' or '1 day'.";
      break;
    case Error::kSpanNotPositive:
      message = "is not positive";
      detail = "A span in IDs is the width of a range of keys: at least one millisecond.";
      hint = "Pass a positive interval, such as '1 day'.";
      break;
    case Error::kSpanOverflow: {
      const Capacity c = capacity(layout, 0);
      message =
          psprintf("is wider than flakeid layout %d,%d,%d,%d can count", layout.timestamp_bits,
                   layout.datacenter_bits, layout.machine_bits, layout.sequence_bits);
      detail = psprintf(
          "The layout's timestamp field counts at most %llu ms (about %.0f years); "
          "a span of more would not fit in a bigint.",
          static_cast<unsigned long long>(layout.max_timestamp()), c.years);
      hint = "Use a shorter span.";
      break;
    }
    default:
      message = "is not a length of time";
      detail = "An infinite interval has no width in IDs.";
      hint = "Pass a finite interval, such as '1 day'.";
      break;
  }
  ereport(ERROR, (errcode(ERRCODE_FLAKEID_NO_NODE_OR_SPAN),
                  errmsg("flakeid span \"%s\" %s", span_text, message), errdetail("%s", detail),
                  errhint("%s", hint)));
  pg_unreachable();
}

void report_setup_error(Error error, const Layout& layout, std::int64_t node_id,
                        const char* env_name, const char* env_text) {
  switch (error) {
    case Error::kDatacenterIdRange:
    case Error::kMachineIdRange: {
      const bool dc = error == Error::kDatacenterIdRange;
      const int bits = dc ? layout.datacenter_bits : layout.machine_bits;
      ereport(ERROR,
              (errcode(dc ? ERRCODE_FLAKEID_DATACENTER_ID_RANGE : ERRCODE_FLAKEID_MACHINE_ID_RANGE),
               errmsg("flakeid %s id %lld does not fit the layout's %d-bit %s field",
                      dc ? "datacenter" : "machine", static_cast<long long>(node_id), bits,
                      dc ? "datacenter" : "machine"),
               errdetail("The layout %d,%d,%d,%d allows %s ids 0 to %llu.", layout.timestamp_bits,
                         layout.datacenter_bits, layout.machine_bits, layout.sequence_bits,
                         dc ? "datacenter" : "machine",
                         static_cast<unsigned long long>(Layout::mask(bits))),
               errhint("Set %s (or %s in the server's environment) to a value that fits, or use "
                       "a layout with more %s bits.",
                       dc ? "flakeid.datacenter_id" : "flakeid.machine_id", env_name,
                       dc ? "datacenter" : "machine")));
      break;
    }
    default:
      ereport(ERROR, (errcode(ERRCODE_FLAKEID_NODE_ID_ENVIRONMENT),
                      errmsg("invalid flakeid node id \"%s\" in environment variable %s", env_text,
                             env_name),
                      errdetail("A node id is an integer from 0 to 2147483647."),
                      errhint("Fix %s in the server's environment, or set the node id in "
                              "postgresql.conf, which takes precedence.",
                              env_name)));
  }
  pg_unreachable();
}

void report_step_error(const Step& step, const Generator& generator, std::int64_t now_ms,
                       std::int64_t tolerance_ms, std::int64_t lead_ms) {
  const Layout& layout = generator.layout();
  switch (step.error) {
    case Error::kEpochInFuture:
      ereport(ERROR,
              (errcode(ERRCODE_FLAKEID_EPOCH_IN_FUTURE),
               errmsg("flakeid epoch %s is in the future", unix_ms_text(generator.epoch_ms())),
               errdetail("The server clock reads %lld ms since 1970-01-01 UTC.",
                         static_cast<long long>(now_ms)),
               errhint("Set flakeid.epoch to a moment in the past, or correct the "
                       "server's clock.")));
      break;
    case Error::kClockMovedBackwards: {
      const unsigned long long behind = step.behind_ms;
      const char* lead_text =
          step.lead_ms > 0
              ? psprintf("of which a lead of the logical clock policy explains at most %lld ms",
                         static_cast<long long>(step.lead_ms))
              : "and no lead of the logical clock policy was in force";
      ereport(ERROR,
              (errcode(ERRCODE_FLAKEID_CLOCK_MOVED_BACKWARDS),
               errmsg("clock moved backwards: it is %llu ms behind the last flakeid issued or "
                      "reserved, %s",
                      behind, lead_text),
               errdetail("flakeid waits out steps back of up to %lld ms "
                         "(flakeid.clock_tolerance_ms) beyond any lead; issuing now could "
                         "repeat an ID.",
                         static_cast<long long>(tolerance_ms)),
               errhint("Check the server's time synchronisation (NTP). IDs resume once the "
                       "clock passes the last ID issued.")));
      break;
    }
    case Error::kAheadByLead: {
      const char* resume_text = pstrdup(unix_ms_text(step.until_ms));
      const char* policy_text =
          lead_ms > 0 ? psprintf("flakeid.max_clock_lead_ms is now %lld ms",
                                 static_cast<long long>(lead_ms))
                      : "flakeid.clock_policy is now wait, which keeps new IDs on the clock";
      ereport(ERROR,
              (errcode(ERRCODE_FLAKEID_AHEAD_BY_LEAD),
               errmsg("the last flakeid is %llu ms ahead of the clock: the logical clock policy "
                      "let IDs run ahead",
                      static_cast<unsigned long long>(step.behind_ms)),
               errdetail("%s; a lead of up to %lld ms let IDs run further ahead before. flakeid "
                         "waits for the clock when that takes at most %lld ms.",
                         policy_text, static_cast<long long>(step.lead_ms),
                         static_cast<long long>(kShortLeadWaitMs)),
               errhint("IDs resume at %s, when the clock reaches them. To go on at once, set "
                       "flakeid.clock_policy = 'logical' and flakeid.max_clock_lead_ms to at "
                       "least %llu ms in the server's configuration, and reload.",
                       resume_text, static_cast<unsigned long long>(step.behind_ms))));
      break;
    }
    default:
      ereport(ERROR,
              (errcode(ERRCODE_FLAKEID_TIMESTAMP_EXHAUSTED),
               errmsg("flakeid timestamp range is exhausted"),
               errdetail("The layout %d,%d,%d,%d holds timestamps up to %s.", layout.timestamp_bits,
                         layout.datacenter_bits, layout.machine_bits, layout.sequence_bits,
                         unix_ms_text(capacity(layout, generator.epoch_ms()).last_ms)),
               errhint("Use a layout with more timestamp bits, or a later flakeid.epoch "
                       "for new tables.")));
  }
  pg_unreachable();
}

void report_declaration(const char* function, const char* symbol, const char* declared,
                        const char* implemented) {
  ereport(ERROR, (errcode(ERRCODE_FLAKEID_DECLARATION_MISMATCH),
                  errmsg("%s() is declared %s, but the flakeid library's %s %s", function, declared,
                         symbol, implemented),
                  errdetail("%s", kDeclarationDetail), errhint("%s", kDeclarationHint)));
  pg_unreachable();
}

void report_record_columns(const char* function, int declared, std::size_t filled) {
  ereport(ERROR, (errcode(ERRCODE_FLAKEID_DECLARATION_MISMATCH),
                  errmsg("%s() is declared with %d result columns, but the flakeid library "
                         "fills %d",
                         function, declared, static_cast<int>(filled)),
                  errdetail("%s", kDeclarationDetail), errhint("%s", kDeclarationHint)));
  pg_unreachable();
}

void report_record_column_type(const char* function, int column, const char* name, Oid declared,
                               Oid filled) {
  ereport(ERROR, (errcode(ERRCODE_FLAKEID_DECLARATION_MISMATCH),
                  errmsg("result column %d (\"%s\") of %s() is declared as %s, but the flakeid "
                         "library fills it with %s",
                         column, name, function, format_type_be(declared), format_type_be(filled)),
                  errdetail("%s", kDeclarationDetail), errhint("%s", kDeclarationHint)));
  pg_unreachable();
}

}  // namespace flakeid::pg
