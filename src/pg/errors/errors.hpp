// Turning the core's error codes into PostgreSQL errors: each has its own SQLSTATE (the
// registry, codes.hpp), a message, a detail and a hint a user can act on.
#pragma once

#include "pg/functions/sql_function.hpp"

#include <cstddef>
#include <cstdint>

#include "core/error.hpp"
#include "core/generator.hpp"
#include "pg/errors/codes.hpp"

namespace flakeid::pg {

// The detail and hint that explain a layout or epoch error.
struct ErrorHelp {
  const char* detail;
  const char* hint;
};
FLAKEID_NO_DESTRUCTOR(ErrorHelp);

// Why a layout text was refused, and what would be accepted.
ErrorHelp layout_help(Error error) noexcept;

// Why an epoch text was refused, and what would be accepted.
ErrorHelp epoch_help(Error error) noexcept;

// Raises the error of a layout argument that does not parse.
[[noreturn]] void report_bad_layout(Error error, const char* text);

// Raises the error of an epoch argument (Unix ms) outside the accepted range.
[[noreturn]] void report_bad_epoch_ms(std::int64_t epoch_ms);

// Raises the error of a negative ID given to a function.
[[noreturn]] void report_negative_id(std::int64_t id);

// Raises the error of an ID whose time PostgreSQL's timestamptz cannot hold.
[[noreturn]] void report_timestamp_out_of_range(std::int64_t id, std::int64_t epoch_ms,
                                                std::uint64_t timestamp_field);

// Raises the error of a time outside a layout's range (before its epoch or after its end).
[[noreturn]] void report_time_outside_layout(Error error, std::int64_t unix_ms,
                                             const Layout& layout, std::int64_t epoch_ms);

// Raises the error of 'infinity' or '-infinity' where a time an ID can carry is needed.
[[noreturn]] void report_infinite_time(bool minus);

// Raises the error of a time span (`span_text`, as PostgreSQL prints it) that has no width
// in IDs under `layout`: months, a fraction of a millisecond, not positive, too wide, or
// infinite (Error::kOk stands for infinite: the core never sees an infinite interval).
[[noreturn]] void report_bad_span(Error error, const char* span_text, const Layout& layout);

// Raises the error of a generator that could not be set up for the current settings.
[[noreturn]] void report_setup_error(Error error, const Layout& layout, std::int64_t node_id,
                                     const char* env_name, const char* env_text);

// Raises the error of a generation step that failed at clock reading `now_ms`, under the
// caller's clock tolerance and the server's lead in force.
[[noreturn]] void report_step_error(const Step& step, const Generator& generator,
                                    std::int64_t now_ms, std::int64_t tolerance_ms,
                                    std::int64_t lead_ms);

// Raises FL009 for a function `function` declared otherwise than the library's `symbol`
// implements it: "next_out() is declared to return record, but the flakeid library's
// flakeid_next returns bigint".
[[noreturn]] void report_declaration(const char* function, const char* symbol, const char* declared,
                                     const char* implemented);

// Raises the error of a function whose declared result record has `declared` columns where
// the library fills `filled`.
[[noreturn]] void report_record_columns(const char* function, int declared, std::size_t filled);

// Raises the error of a result column (1-based `column`, named `name`) declared with the SQL
// type `declared` where the library fills one of type `filled`.
[[noreturn]] void report_record_column_type(const char* function, int column, const char* name,
                                            Oid declared, Oid filled);

}  // namespace flakeid::pg
