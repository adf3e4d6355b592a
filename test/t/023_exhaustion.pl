# The layout's ceiling: with layout '62,0,0,1' a millisecond holds 2 IDs, 2000 a second.
# Two connections that call flakeid_next() flat out get no duplicate, strictly
# increasing IDs each, none ahead of the clock, and together close to 2000 a second:
# the waits for the next millisecond neither lose much time nor let the IDs run past the
# clock. A cancel ends such a wait at once (a flakeid_next_ids(100000) would take 50 s),
# and the session goes on.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);

my $seconds = 3;     # how long the two connections run
my $per_call = 20;   # flakeid_next() calls per transaction
my $ceiling = 2000;  # IDs per second of '62,0,0,1'

my $node = PostgreSQL::Test::Cluster->new('exhaustion_ceiling');
$node->init;
$node->append_conf('postgresql.conf', 'log_statement = none');
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE ceiling');
$node->safe_psql('postgres',
	"ALTER DATABASE ceiling SET flakeid.layout = '62,0,0,1'");
# No unique index on id: a repeated ID must be counted, not refused. at is evaluated
# after id: the server's clock once the ID was made.
$node->safe_psql(
	'ceiling', q{
	CREATE EXTENSION flakeid;
	CREATE TABLE t (
		seq bigserial PRIMARY KEY,
		id bigint NOT NULL,
		at timestamptz NOT NULL DEFAULT clock_timestamp(),
		pid int NOT NULL DEFAULT pg_backend_pid());
});
is( $node->safe_psql(
		'ceiling', q{
		SELECT timestamp_bits, datacenter_bits, machine_bits, sequence_bits,
		       ids_per_ms, ids_per_sec
		FROM flakeid_capacity()}),
	'62|0|0|1|2|2000',
	'the database uses layout 62,0,0,1: 2 IDs per millisecond');

# Two connections, flat out, for $seconds s.
my $script = PostgreSQL::Test::Utils::tempdir() . '/next.sql';
PostgreSQL::Test::Utils::append_to_file($script,
	"INSERT INTO t (id) SELECT flakeid_next() FROM generate_series(1, $per_call);\n");
my ($out, $err) = ('', '');
my @cmd = (
	'pgbench', '--no-vacuum', '--client=2', '--jobs=2', "--time=$seconds",
	"--file=$script", '--host=' . $node->host, '--port=' . $node->port, 'ceiling');
my $ok = IPC::Run::run(\@cmd, '>', \$out, '2>', \$err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
ok($ok, 'pgbench exits with status 0') or diag("$out$err");
like($out, qr/number of failed transactions: 0 /, 'no transaction failed');
my ($tps) = $out =~ /tps = ([0-9.]+) \(without initial connection time\)/;

# The IDs' own milliseconds (id >> 1) measure the rate, free of pgbench's start-up.
my ($total, $distinct, $connections, $first_ms, $last_ms, $fullest, $ahead) =
  split /\|/,
  $node->safe_psql(
	'ceiling', q{
	SELECT count(*), count(DISTINCT id), count(DISTINCT pid),
	       min(id >> 1), max(id >> 1),
	       (SELECT max(n) FROM (SELECT count(*) AS n FROM t GROUP BY id >> 1) m),
	       count(*) FILTER (WHERE d.generated_at > t.at)
	FROM t, flakeid_decode(t.id) d});
my $not_increasing = $node->safe_psql(
	'ceiling', q{
	SELECT count(*) FROM (
		SELECT id, lag(id) OVER (PARTITION BY pid ORDER BY seq) AS prev FROM t) s
	WHERE id <= prev});
my $span_ms = $last_ms - $first_ms + 1;
my $rate = 1000 * $total / $span_ms;
note sprintf(
	'%d IDs from %d connections over %d ms of ID time: %.0f IDs/s (ceiling %d); '
	  . 'pgbench: %.0f IDs/s; %d distinct, fullest millisecond %d, %d ahead of the clock',
	$total, $connections, $span_ms, $rate, $ceiling, ($tps // 0) * $per_call,
	$distinct, $fullest, $ahead);
is($connections, 2, 'two connections made IDs');
is($distinct, $total, 'no ID repeats across the two connections');
is($not_increasing, 0, "each connection's IDs strictly increase");
is($fullest, 2, 'a millisecond holds at most 2 IDs, and some are full');
is($ahead, 0, 'no ID is ahead of the clock');
cmp_ok($span_ms, '>=', 1000 * ($seconds - 0.5), 'the IDs span the run');
# Within 20% of the ceiling (it cannot pass it: a millisecond holds 2 IDs, and no ID is
# ahead of the clock).
cmp_ok($rate, '>=', 0.8 * $ceiling,
	sprintf('together they reach the ceiling: %.0f IDs/s >= 80%% of %d', $rate, $ceiling));
# pgbench's own rate, on the real clock, stays at the ceiling too (5% for its start and
# end).
cmp_ok(($tps // 0) * $per_call, '<=', 1.05 * $ceiling,
	sprintf('pgbench measured %.0f IDs/s, not above the ceiling', ($tps // 0) * $per_call));

# A cancel ends a wait at once: flakeid_next_ids(100000) would take 50 s.
my $session = PostgreSQL::Test::Utils::tempdir() . '/cancel.sql';
PostgreSQL::Test::Utils::append_to_file(
	$session, q{
SELECT count(*) FROM flakeid_next_ids(100000);
SELECT 'after cancel', flakeid_next() > 0, count(*) FROM t;
});
($out, $err) = ('', '');
my $h = IPC::Run::start(
	[
		'psql', '-X', '-A', '-t', '-v', 'VERBOSITY=verbose',
		'-h', $node->host, '-p', $node->port, '-d', 'ceiling', '-f', $session
	],
	'>', \$out, '2>', \$err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
my $pid;
my $deadline = time + 30;
while (time < $deadline && !$pid)
{
	$pid = $node->safe_psql(
		'postgres', q{
		SELECT pid FROM pg_stat_activity
		WHERE state = 'active' AND query LIKE '%flakeid_next_ids(100000)%'
		  AND pid <> pg_backend_pid()});
	sleep 0.05 unless $pid;
}
die 'flakeid_next_ids(100000) did not start' unless $pid;
sleep 0.5;
my $cancelled_at = time;
is($node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)"),
	't', 'flakeid_next_ids(100000) was still running after 0.5 s; cancelled');
$h->finish;
my $took = time - $cancelled_at;
note sprintf("cancel ended the call after %.3f s:\n%s", $took, $err);
like(
	$err,
	qr/ERROR:  57014: canceling statement due to user request/,
	'the cancelled call fails with SQLSTATE 57014');
cmp_ok($took, '<', 1, sprintf('within a second of the cancel (%.3f s)', $took));
like($out, qr/^after cancel\|t\|$total$/m,
	'the session goes on: the next call gets an ID');

# statement_timeout ends it too.
my $t0 = time;
my ($ret, $stdout, $stderr) = $node->psql(
	'ceiling', q{
	\set VERBOSITY verbose
	SET statement_timeout = '500ms';
	SELECT count(*) FROM flakeid_next_ids(100000);
	RESET statement_timeout;
	SELECT 'after timeout', flakeid_next() > 0;},
	on_error_stop => 0);
$took = time - $t0;
like($stderr, qr/ERROR:  57014: canceling statement due to statement timeout/,
	'statement_timeout ends flakeid_next_ids(100000) with SQLSTATE 57014');
cmp_ok($took, '<', 1.5, sprintf('after 0.5 s, promptly (%.3f s in all)', $took));
is($stdout, 'after timeout|t', 'and the session goes on');

$node->stop;
done_testing();
