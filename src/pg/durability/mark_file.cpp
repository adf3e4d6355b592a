// The server's mark file in the data directory: read with its check, written durably.
#include "pg/durability/mark_file.hpp"

extern "C" {
#include "catalog/pg_extension.h"
#include "port/pg_crc32c.h"
#include "storage/fd.h"
#include "storage/lmgr.h"
}

#include <cerrno>
#include <string_view>

namespace flakeid::pg {

namespace {

constexpr const char* kMarkFile = "flakeid_high_water";
// The new file, written in full and synced before it is renamed over the old one.
constexpr const char* kNewMarkFile = "flakeid_high_water.new";
// The label of the base backup the server last started from (PostgreSQL's BACKUP_LABEL_OLD).
constexpr const char* kRestoreLabel = "backup_label.old";
// The lock of the whole server that writers hold (node_floor.cpp takes sub-id 0).
constexpr int kMarkFileLockSubId = 1;

// PostgreSQL's CRC-32C of `length` bytes, the mark text's checksum.
std::uint32_t mark_checksum(const char* data, std::size_t length) noexcept {
  pg_crc32c crc;
  INIT_CRC32C(crc);
  COMP_CRC32C(crc, data, length);
  FIN_CRC32C(crc);
  return crc;
}

// The mark file's path, for messages.
const char* mark_file_path() {
  return psprintf("%s/%s", DataDir, kMarkFile);
}

// Raises the error of a mark file that cannot be opened, read or written.
[[noreturn]] void report_file_access(const char* what) {
  ereport(ERROR, (errcode_for_file_access(),
                  errmsg("could not %s flakeid's mark file \"%s\": %m", what, mark_file_path()),
                  errhint("flakeid keeps the server's high-water mark in the data directory, "
                          "which must have room and be readable and writable by the server.")));
  pg_unreachable();
}

// What is wrong with a damaged mark file, as a sentence.
const char* describe_damage(MarkDamage damage, std::size_t length) {
  switch (damage) {
    case MarkDamage::kEmpty:
      return "It is empty.";
    case MarkDamage::kNoFormat:
      return "It does not begin with the number of a format flakeid writes.";
    case MarkDamage::kLength:
      return psprintf("It is %zu bytes long; a mark file of format %u has %zu.", length,
                      kMarkFormat, kMarkTextLength);
    case MarkDamage::kField:
      return "One of its fields is not as the format has it.";
    default:
      return "Its checksum does not match its contents.";
  }
}

// Raises the data-corruption error of a mark file that fails its check.
[[noreturn]] void report_unusable(const MarkText& text, std::size_t length) {
  const char* why =
      text.kind == MarkText::Kind::kFuture
          ? psprintf(
                "It is of format %u, written by a newer flakeid; this one reads format %u "
                "and older.",
                text.format, kMarkFormat)
          : describe_damage(text.damage, length);
  ereport(ERROR,
          (errcode(ERRCODE_DATA_CORRUPTED),
           errmsg("flakeid's mark file \"%s\" cannot be used", mark_file_path()),
           errdetail("%s The file holds the server's high-water mark: no ID of any of its "
                     "databases lies at or above it. flakeid makes no ID without it.",
                     why),
           errhint("Once the server's clock is known to be past every ID this server has "
                   "issued, remove the file: flakeid then resumes above the marks of the "
                   "databases and writes a new one. A file of a newer flakeid is read by that "
                   "version.")));
  pg_unreachable();
}

}  // namespace

MarkFile mark_file_read() {
  MarkFile found;
  const int fd = OpenTransientFile(kMarkFile, O_RDONLY | PG_BINARY);
  if (fd < 0) {
    if (errno == ENOENT) return found;
    report_file_access("open");
  }
  // Room for more than any format holds, to see a file that is too long.
  char text[2 * kMarkTextLength];
  const ssize_t length = pg_pread(fd, text, sizeof(text), 0);
  const int read_errno = errno;
  CloseTransientFile(fd);
  if (length < 0) {
    errno = read_errno;
    report_file_access("read");
  }
  const MarkText parsed =
      parse_mark(std::string_view(text, static_cast<std::size_t>(length)), mark_checksum);
  if (parsed.kind == MarkText::Kind::kDamaged || parsed.kind == MarkText::Kind::kFuture) {
    report_unusable(parsed, static_cast<std::size_t>(length));
  }
  found.exists = true;
  found.checked = parsed.kind == MarkText::Kind::kCurrent;
  found.record = parsed.record;
  return found;
}

void mark_file_write(const MarkRecord& record) {
  char text[kMarkTextLength];
  const std::size_t length = format_mark(record, mark_checksum, text);
  const int fd = OpenTransientFile(kNewMarkFile, O_WRONLY | O_CREAT | O_TRUNC | PG_BINARY);
  if (fd < 0) report_file_access("create");
  errno = 0;
  if (write(fd, text, length) != static_cast<ssize_t>(length)) {
    if (errno == 0) errno = ENOSPC;  // a short write: the disk is full
    const int write_errno = errno;
    CloseTransientFile(fd);
    errno = write_errno;
    report_file_access("write");
  }
  if (CloseTransientFile(fd) != 0) report_file_access("write");
  // Syncs the new file, renames it, syncs it and the directory.
  (void)durable_rename(kNewMarkFile, kMarkFile, ERROR);
}

std::uint32_t restore_label_checksum() {
  const int fd = OpenTransientFile(kRestoreLabel, O_RDONLY | PG_BINARY);
  if (fd < 0) {
    if (errno == ENOENT) return 0;
    ereport(ERROR, (errcode_for_file_access(),
                    errmsg("could not open \"%s/%s\": %m", DataDir, kRestoreLabel),
                    errdetail("flakeid reads it to tell whether its mark file was written "
                              "since the server last started from a base backup."),
                    errhint("The server must be able to read the files of its data "
                            "directory.")));
  }
  pg_crc32c crc;
  INIT_CRC32C(crc);
  char buffer[1024];
  off_t offset = 0;
  ssize_t length;
  while ((length = pg_pread(fd, buffer, sizeof(buffer), offset)) > 0) {
    COMP_CRC32C(crc, buffer, static_cast<std::size_t>(length));
    offset += length;
  }
  const int read_errno = errno;
  CloseTransientFile(fd);
  if (length < 0) {
    errno = read_errno;
    ereport(ERROR, (errcode_for_file_access(),
                    errmsg("could not read \"%s/%s\": %m", DataDir, kRestoreLabel)));
  }
  FIN_CRC32C(crc);
  return crc == 0 ? 1 : crc;
}

void mark_file_lock() {
  LockSharedObject(ExtensionRelationId, InvalidOid, kMarkFileLockSubId, ExclusiveLock);
}

void mark_file_unlock() {
  UnlockSharedObject(ExtensionRelationId, InvalidOid, kMarkFileLockSubId, ExclusiveLock);
}

}  // namespace flakeid::pg
