// The server's mark file in the data directory (flakeid_high_water), as a file: read with
// its check, and written so that a crash leaves the old file or the new one, whole. Its
// text is core/mark_record's; what the mark means is marks.cpp's and resume.cpp's.
#pragma once

#include "pg/functions/sql_function.hpp"

#include "core/mark_record.hpp"

namespace flakeid::pg {

// The mark file as found.
struct MarkFile {
  bool exists = false;
  bool checked = false;  // of the current format, its checksum good: its identity holds
  MarkRecord record;     // 1.1's format records the mark alone
};
FLAKEID_NO_DESTRUCTOR(MarkFile);

// Reads the mark file. A missing file reads as not existing. One that cannot be opened or
// read is an error of the system's SQLSTATE (permission denied, an I/O error); one that
// fails its check (empty, cut short, changed, of a newer format) is XX001, naming the file
// and how to recover: never some other mark.
MarkFile mark_file_read();

// Replaces the mark file by `record`: a new file is written and fsynced beside it, then
// renamed over it, and the directory fsynced (durable_rename). Callers hold
// mark_file_lock().
void mark_file_write(const MarkRecord& record);

// The CRC-32C of the data directory's backup_label.old (the label of the base backup the
// server last started from, which the startup process renames so), never 0; 0 when there
// is none. An error when it cannot be read.
std::uint32_t restore_label_checksum();

// Serialises the backends that read the file to change it, server-wide; released by
// mark_file_unlock() or the end of the transaction.
void mark_file_lock();
void mark_file_unlock();

}  // namespace flakeid::pg
