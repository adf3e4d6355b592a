# A base backup restored into the server's own data directory (issue 20, item 1). Database
# a commits IDs continuously while pg_basebackup copies the server, throttled so that the
# copy takes about 10 s; the server is crashed, its data directory emptied (it keeps its
# inode) and the backup copied into it; it starts without recovery.signal and stays on
# timeline 1. The mark file came with the backup: it was copied near the backup's start,
# while the WAL brings rows of a and a's mark from 10 s later. With the clock 300 ms above
# that file's mark, database c (same layout, no IDs of its own) makes 10 x
# flakeid_next_ids(2000): none may equal an ID a committed. flakeid must read every
# database's mark before its first ID (it then refuses, FL001: the clock is behind a's
# restored IDs). The same backup is restored three times, the same way but for its label:
# (a) as pg_basebackup made it (the server replays from backup_label and renames it
# backup_label.old); (b) backup_label.old deleted once the server is up, before its first
# ID (attack20 H1: 320 of 20,000 equal IDs before the fix); (c) backup_label deleted
# before the start, so that PostgreSQL replays from the copied pg_control's checkpoint as
# after a crash (attack20 H1b: 685 equal). Then (d) a clean restart reads the mark file
# alone.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

require_libfaketime();

my $node = PostgreSQL::Test::Cluster->new('in_place');
$node->init(allows_streaming => 1);
$node->append_conf('postgresql.conf', 'log_statement = none');
set_clock('+0');
start_faked($node);
for my $db ('a', 'c')
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db,
		'CREATE EXTENSION flakeid; CREATE TABLE t (id bigint PRIMARY KEY, ph text)');
}
# About 40 MB of data for the throttled copy (4 MB/s): the backup takes about 10 s.
$node->safe_psql('postgres',
	q{CREATE TABLE filler AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, 50000) g});

# Database a commits IDs continuously, 20 a transaction, until the server stops.
my $script = PostgreSQL::Test::Utils::tempdir() . '/a.sql';
PostgreSQL::Test::Utils::append_to_file($script,
	"INSERT INTO t SELECT flakeid_next(), 'a' FROM generate_series(1, 20);\n");
my ($bench_out, $bench_err) = ('', '');
my $bench = IPC::Run::start(
	[
		'pgbench', '--no-vacuum', '--client=1', '--time=120', "--file=$script",
		'--host=' . $node->host, '--port=' . $node->port, 'a'
	],
	'>', \$bench_out, '2>', \$bench_err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
sleep 1;

my $backup = PostgreSQL::Test::Utils::tempdir() . '/in_place_backup';
my $started = time;
$node->command_ok(
	[
		'pg_basebackup', '-D', $backup, '-X', 'stream', '-c', 'fast', '--max-rate=4M',
		'-h', $node->host, '-p', $node->port
	],
	'pg_basebackup -X stream -c fast --max-rate=4M while a commits IDs');
note sprintf('the backup took %.1f s', time - $started);

# Crashes the server, puts the backup in place of its data directory (the same directory:
# same inode), starts it with the clock 300 ms above the restored mark file, and has c make
# 10 x flakeid_next_ids(2000). $label: 'kept', 'old deleted' (backup_label.old removed
# after the start) or 'deleted' (backup_label removed before the start).
my $pgdata = $node->data_dir;
my $inode = (stat $pgdata)[1];
my $a_max_ms;
sub restore_in_place
{
	my ($label) = @_;
	$node->stop('immediate');
	system('find', $pgdata, '-mindepth', '1', '-delete') == 0 or die "emptying $pgdata failed";
	system('cp', '-a', "$backup/.", "$pgdata/") == 0 or die "copying the backup failed";
	is((stat $pgdata)[1], $inode, "($label) the data directory keeps its inode");
	ok(-f "$pgdata/backup_label", "($label) the restored directory has a backup_label");
	ok(!-f "$pgdata/recovery.signal", "($label) and no recovery.signal");
	if ($label eq 'deleted')
	{
		unlink "$pgdata/backup_label" or die "removing backup_label: $!";
	}

	# The restored mark file: its mark (the first 20 digits) is that of the backup's start.
	open my $fh, '<', "$pgdata/flakeid_high_water" or die "the restored mark file: $!";
	my ($file_mark) = <$fh> =~ /^(\d{20})/;
	close $fh;
	$file_mark += 0;

	# The clock 300 ms above the restored file's mark.
	my $log_offset = -s $node->logfile;
	set_clock(sprintf('%+.3f', ($file_mark + 300) / 1000 - time));
	# Without its backup_label the copy is not a backup PostgreSQL can restore: 15 and 18
	# replayed it from the copied pg_control's checkpoint here, 17 refused it ("could not
	# access status of transaction"). Where it refuses, no server hands out anything.
	if (!start_faked($node, fail_ok => $label eq 'deleted'))
	{
		like(slurp_file($node->logfile, $log_offset), qr/FATAL:/,
			"($label) PostgreSQL refused the copy itself: nothing to hand out IDs");
		return 0;
	}
	if ($label eq 'old deleted')
	{
		ok(-f "$pgdata/backup_label.old", "($label) the startup process wrote backup_label.old");
		unlink "$pgdata/backup_label.old" or die "removing backup_label.old: $!";
	}
	is($node->safe_psql('postgres', 'SELECT timeline_id FROM pg_control_checkpoint()'),
		1, "($label) the restored server stays on timeline 1");
	my ($a_count, $a_min, $a_max);
	($a_count, $a_min, $a_max, $a_max_ms) = split /\|/,
	  $node->safe_psql('a',
		'SELECT count(*), min(id), max(id), (flakeid_decode(max(id))).timestamp_ms FROM t');
	note "($label) restored: a committed $a_count IDs up to $a_max (at $a_max_ms ms); "
	  . "the restored mark file says $file_mark ms";
	cmp_ok($a_max_ms - $file_mark, '>', 2000,
		"($label) the restored mark file is older than a's restored IDs (the case under test)");
	cmp_ok(clock_offset($node), '<', -1, "($label) the server's clock is behind a's restored IDs");

	my (%outcomes, @states);
	for my $i (1 .. 10)
	{
		my ($kind, $what) = try_sql($node, 'c',
			"INSERT INTO t SELECT flakeid_next_ids(2000), 'c'");
		$outcomes{$kind}++;
		push @states, $what if $kind eq 'error';
	}
	my $c_ids = $node->safe_psql('c', q{SELECT coalesce(string_agg(id::text, ','), '') FROM t});
	my $equal = $c_ids eq '' ? 0 : $node->safe_psql('a',
		"SELECT count(*) FROM t WHERE id = ANY ('{$c_ids}'::bigint[])");
	my $not_above = $c_ids eq '' ? 0 : $node->safe_psql('c',
		"SELECT count(*) FROM t WHERE id <= $a_max");
	note sprintf('(%s) c: %d calls gave IDs, %d were refused (%s)',
		$label, $outcomes{ok} // 0, $outcomes{error} // 0, join(' ', @states));
	is($equal, 0, "($label) no ID c made equals an ID a committed");
	is($not_above, 0, "($label) no ID c made is at or below a's restored maximum");
	is_deeply([ grep { $_ ne 'FL001' } @states ], [], "($label) every refusal is FL001");
	like(
		slurp_file($node->logfile, $log_offset),
		qr/flakeid read the high-water marks of \d+ databases/,
		"($label) the restored server read the marks of every database");
	return 1;
}

restore_in_place('kept');
eval { $bench->finish };
restore_in_place('old deleted');
# Where PostgreSQL refused the label-less copy, the server runs again from the backup as made.
restore_in_place('kept again') unless restore_in_place('deleted');

# The restored server's own mark file is trusted again after a clean restart.
set_clock('+0');
$node->poll_query_until('c',
	"SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint > $a_max_ms + 1500")
  or die 'the clock did not pass the restored IDs';
my ($kind) = try_sql($node, 'c', "INSERT INTO t SELECT flakeid_next_ids(10), 'late'");
is($kind, 'ok', 'once the clock has passed them, c makes IDs');
my $log_offset = -s $node->logfile;
$node->restart;
($kind) = try_sql($node, 'c', "INSERT INTO t SELECT flakeid_next_ids(10), 'restart'");
is($kind, 'ok', 'after a restart, c makes IDs');
unlike(
	slurp_file($node->logfile, $log_offset),
	qr/flakeid read the high-water marks/,
	'and the restart read the mark file alone');

$node->stop;
done_testing();
