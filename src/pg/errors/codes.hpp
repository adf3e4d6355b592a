// flakeid's SQLSTATEs: the one registry of every code of class FL that flakeid raises, from
// C++ (errcode(ERRCODE_FLAKEID_...)) and from PL/pgSQL (USING ERRCODE = 'FL0nn' in
// sql/flakeid--*.sql), as TimescaleDB's src/errors.h keeps its own.
//
// FL000 stands for the class: PL/pgSQL's `WHEN SQLSTATE 'FL000'` catches every FLnnn (a code
// ending in 000 matches its whole class), and flakeid raises none with FL000 itself. The class
// stays FL until a 2.0: the SQL standard reserves classes beginning with A to H for itself,
// and a new class would break every WHEN clause written against this one.
//
// Each entry is a comment `// FLnnn name: meaning` and the #define under it, named
// ERRCODE_FLAKEID_ and the name in capitals. The README's error table has one row per code,
// `FLnnn` name | meaning, then any detail. test/bin/check-errors.py (make lint) holds the
// table, every code used in src/ and sql/, and these entries to one another.
#pragma once

// clang-format off
// FL000 any_error: the class of every error of flakeid's own
#define ERRCODE_FLAKEID_ANY_ERROR MAKE_SQLSTATE('F', 'L', '0', '0', '0')
// FL001 clock_moved_backwards: the clock moved backwards by more than `flakeid.clock_tolerance_ms` beyond any lead
#define ERRCODE_FLAKEID_CLOCK_MOVED_BACKWARDS MAKE_SQLSTATE('F', 'L', '0', '0', '1')
// FL002 timestamp_exhausted: the layout's timestamp range is exhausted
#define ERRCODE_FLAKEID_TIMESTAMP_EXHAUSTED MAKE_SQLSTATE('F', 'L', '0', '0', '2')
// FL003 epoch_in_future: the epoch is in the future
#define ERRCODE_FLAKEID_EPOCH_IN_FUTURE MAKE_SQLSTATE('F', 'L', '0', '0', '3')
// FL004 datacenter_id_range: the datacenter id does not fit the layout
#define ERRCODE_FLAKEID_DATACENTER_ID_RANGE MAKE_SQLSTATE('F', 'L', '0', '0', '4')
// FL005 machine_id_range: the machine id does not fit the layout
#define ERRCODE_FLAKEID_MACHINE_ID_RANGE MAKE_SQLSTATE('F', 'L', '0', '0', '5')
// FL006 node_id_environment: `FLAKEID_DATACENTER_ID` / `FLAKEID_MACHINE_ID` is not an integer
#define ERRCODE_FLAKEID_NODE_ID_ENVIRONMENT MAKE_SQLSTATE('F', 'L', '0', '0', '6')
// FL007 too_many_layouts: a 65th shared state
#define ERRCODE_FLAKEID_TOO_MANY_LAYOUTS MAKE_SQLSTATE('F', 'L', '0', '0', '7')
// FL008 mark_unreadable: flakeid could not read the high-water mark of a database
#define ERRCODE_FLAKEID_MARK_UNREADABLE MAKE_SQLSTATE('F', 'L', '0', '0', '8')
// FL009 declaration_mismatch: a flakeid function declared otherwise than the library implements it
#define ERRCODE_FLAKEID_DECLARATION_MISMATCH MAKE_SQLSTATE('F', 'L', '0', '0', '9')
// FL010 rejected_setting: a function that reads a setting flakeid holds as rejected
#define ERRCODE_FLAKEID_REJECTED_SETTING MAKE_SQLSTATE('F', 'L', '0', '1', '0')
// FL011 shared_state_format: the server's shared memory was made by another build of the library
#define ERRCODE_FLAKEID_SHARED_STATE_FORMAT MAKE_SQLSTATE('F', 'L', '0', '1', '1')
// FL012 ahead_by_lead: the clock policy went back from `logical` to `wait` while the last ID is further ahead of the clock than a short wait (1 s)
#define ERRCODE_FLAKEID_AHEAD_BY_LEAD MAKE_SQLSTATE('F', 'L', '0', '1', '2')
// FL013 node_clash: the replication guard refused a row, or a layout it cannot guard
#define ERRCODE_FLAKEID_NODE_CLASH MAKE_SQLSTATE('F', 'L', '0', '1', '3')
// FL014 no_node_or_span: a time span or a node the layout cannot express
#define ERRCODE_FLAKEID_NO_NODE_OR_SPAN MAKE_SQLSTATE('F', 'L', '0', '1', '4')
// FL015 key_not_below_now: a key at or above the first key of now where flakeid needs keys already made
#define ERRCODE_FLAKEID_KEY_NOT_BELOW_NOW MAKE_SQLSTATE('F', 'L', '0', '1', '5')
// clang-format on
