# A crash, then a restart with the server's clock an hour behind (libfaketime): the IDs
# committed before the crash lie below the durable high-water mark, and no ID made after
# the restart may be at or below any of them. Under the default (wait) policy flakeid
# refuses with FL001 or gives IDs above them; under the logical policy it gives IDs above
# them; once the clock is right again IDs resume above everything. A quick restart with
# the clock slightly behind waits for the mark instead. No ID of the test repeats. Logical
# sessions after such a restart do not each jump a second ahead (each database resumes
# once per server start), and a database resumes above the server's mark too, not only its
# own, so it never repeats another database's IDs.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

require_libfaketime();

my $node = PostgreSQL::Test::Cluster->new('crash_restart');
$node->init;
$node->append_conf('postgresql.conf', 'log_statement = none');
set_clock('+0');
start_faked($node);

# No unique index on id: a repeated ID must be counted, not refused.
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	CREATE TABLE t (
		seq bigserial PRIMARY KEY,
		id bigint NOT NULL DEFAULT flakeid_next(),
		phase text NOT NULL);
	CREATE TABLE marks (mark bigint NOT NULL);
});

# Commits IDs for at least 1.5 s, in separate transactions, noting the high-water mark
# after each; the last commit comes right before the crash.
sub commit_ids
{
	my ($phase, $rounds) = @_;
	my $sql = '';
	for my $i (1 .. $rounds)
	{
		$sql .= "SELECT pg_sleep(0.1);\n" if $i > 1;
		$sql .= "INSERT INTO t (phase) SELECT '$phase' FROM generate_series(1, 200);\n"
		  . "INSERT INTO marks SELECT last_value FROM flakeid_high_water;\n";
	}
	$node->safe_psql('postgres', $sql);
	return;
}

# Attempts until IDs come, for at most 15 s: whether they came, the SQLSTATEs of the
# refusals before, and the seconds it took.
sub attempt_until_ok
{
	my ($phase, $n, $settings) = @_;
	my $started = time;
	my @refusals;
	while (time < $started + 15)
	{
		my ($kind, $what) = attempt($node, $phase, $n, $settings);
		return (1, \@refusals, time - $started) if $kind eq 'ok';
		push @refusals, $what;
		sleep 0.1;
	}
	return (0, \@refusals, time - $started);
}

# IDs of $phase at or below $bound.
sub count_not_above
{
	my ($phase, $bound) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM t WHERE phase = '$phase' AND id <= $bound");
}

# Commit IDs over about 2.2 s: the high-water mark moves along.
my $t0 = time;
commit_ids('before crash', 22);
my $took = time - $t0;
my ($committed, $max_committed, $marks, $covered) = split /\|/,
  $node->safe_psql(
	'postgres', q{
	SELECT count(*), max(id), (SELECT count(DISTINCT mark) FROM marks),
	       (flakeid_decode(max(id))).timestamp_ms <
	         (SELECT last_value FROM flakeid_high_water)
	FROM t});
note sprintf('%d IDs committed over %.2f s, the high-water mark took %d values; '
	  . 'max committed ID %s', $committed, $took, $marks, $max_committed);
cmp_ok($took, '>=', 1.5, 'the IDs were committed over at least 1.5 s');
cmp_ok($marks, '>=', 2, 'the high-water mark advanced while they were made');
is($covered, 't', 'the high-water mark lies above the last committed ID');

# Crash, and restart with the clock an hour behind.
$node->stop('immediate');
set_clock('-3600');
start_faked($node);
my $offset = clock_offset($node);
note sprintf('after the crash the server clock is %+.3f s from the real time', $offset);
cmp_ok(abs($offset + 3600), '<', 5, 'the server restarted with its clock an hour behind');
is($node->safe_psql('postgres', "SELECT count(*), max(id) FROM t WHERE phase = 'before crash'"),
	"$committed|$max_committed", 'every committed ID survived the crash');

# Default policy: each attempt, in a new session, is refused or gives IDs above them all.
my ($states, $summary, $ret, $err) = attempts_then_next_ids($node, 'hour behind', 5, 10);
note "5 attempts an hour behind: $summary";
is(count_not_above('hour behind', $max_committed),
	0, 'an hour behind after a crash: no new ID at or below a committed one');
is(scalar(grep { $_ ne 'FL001' } @$states),
	0, 'every refusal is FL001 (clock moved backwards)');
ok($ret == 0 || $err =~ /ERROR:  FL001/,
	'flakeid_next_ids() is refused with FL001 too, or gives IDs')
  or diag($err);
my ($high_water, $last_issued) = split /\|/,
  $node->safe_psql('postgres',
	'SELECT high_water, last_issued_at >= high_water FROM flakeid_status()');
note "flakeid_status().high_water after the restart: $high_water";
is($last_issued, 't', 'the shared state was moved up to the high-water mark');

# Logical policy with a lead of 2 hours: IDs above every committed one.
set_clock_policy($node, 'logical', '2h');
my ($kind, $what) = attempt($node, 'logical', 1000);
is("$kind $what", 'ok 1000', 'under the logical policy with a 2 h lead, IDs are issued');
my ($logical_min, $ahead) = split /\|/,
  $node->safe_psql(
	'postgres', q{
	SELECT min(id), extract(epoch FROM
	         (flakeid_decode(min(id))).generated_at - clock_timestamp()) > 3500
	FROM t WHERE phase = 'logical'});
note "first logical ID $logical_min (max committed before the crash $max_committed)";
is(count_not_above('logical', $max_committed),
	0, 'every logical ID is above every ID committed before the crash');
is($ahead, 't', 'the logical IDs run about an hour ahead of the clock');

# More sessions under the logical policy, one ID each: they should go on counting from
# the IDs before, not each jump a further second (the reservation) ahead and so use up
# the lead, one second per new session.
my @session_ms;
for my $i (1 .. 3)
{
	my ($ret, $ms) = $node->psql(
		'postgres', q{
		INSERT INTO t (phase) VALUES ('logical') RETURNING (flakeid_decode(id)).timestamp_ms;});
	push @session_ms, $ms if $ret == 0;
}
is(scalar @session_ms, 3, 'each of them gets an ID');
my $spread = @session_ms ? $session_ms[-1] - $session_ms[0] : 0;
note "3 more logical sessions: their IDs' milliseconds @session_ms (spread $spread ms)";
cmp_ok($spread, '<', 1000,
	'new sessions under the logical policy do not push the IDs a second ahead each');

# The clock is right again, and the server back on the default policy: IDs resume above
# everything. The logical IDs (and the mark) may still be ahead of the real clock for a
# moment: until it passes them, refusals are right, FL001 or, for what the ended lead let
# run ahead, FL012.
set_clock('+0');
set_clock_policy($node, 'wait');
my $max_so_far = $node->safe_psql('postgres', 'SELECT max(id) FROM t');
my ($ok, $refusals, $waited) = attempt_until_ok('clock back', 1000);
note sprintf('clock right again: %d refusals (%s), IDs came after %.2f s',
	scalar @$refusals, join(' ', sort keys %{ { map { $_ => 1 } @$refusals } }), $waited);
ok($ok, 'with the clock right again, IDs are issued within seconds');
is(scalar(grep { $_ !~ /^FL0(01|12)$/ } @$refusals),
	0, 'every refusal meanwhile is FL001 or FL012');
is(count_not_above('clock back', $max_so_far),
	0, 'and they are above every ID made before');

# A quick crash and restart with the clock 0.2 s behind: flakeid waits for the mark (or
# refuses, while the clock is more than about a second behind it), and the IDs come
# above every committed one.
commit_ids('before quick crash', 3);
my $max_quick = $node->safe_psql('postgres', 'SELECT max(id) FROM t');
$node->stop('immediate');
set_clock('-0.2');
start_faked($node);
($ok, $refusals, $waited) = attempt_until_ok('quick restart', 10);
note sprintf('quick restart 0.2 s behind: %d refusals (%s), IDs came after %.2f s',
	scalar @$refusals, join(' ', sort keys %{ { map { $_ => 1 } @$refusals } }), $waited);
ok($ok, 'after a quick restart 0.2 s behind, IDs come within seconds');
is(scalar(grep { $_ ne 'FL001' } @$refusals), 0, 'every refusal meanwhile is FL001');
is(count_not_above('quick restart', $max_quick),
	0, 'and they are above every ID committed before the crash');

# Every ID of the test: none repeats; in the order they were made they increase.
my ($total, $distinct, $not_increasing) = id_order_counts($node, 't');
note "all phases: $total IDs, $distinct distinct, $not_increasing not above the one before";
is($distinct, $total, 'no ID of the test repeats');
is($not_increasing, 0, 'in the order they were made, the IDs strictly increase');

# (e) Two databases share one generator state (same layout), but each has its own
# high-water mark. xb takes a few IDs, then xa takes one every millisecond for 2.5 s; a
# crash, and a restart with the clock 1.5 s behind: xb's own mark lies below the clock,
# so it resumes at once, inside the milliseconds of xa's IDs. With one ID a millisecond
# (layout 63,0,0,0) any ID it makes there repeats one of xa.
for my $db ('xa', 'xb')
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql('postgres', "ALTER DATABASE $db SET flakeid.layout = '63,0,0,0'");
	$node->safe_psql($db,
		'CREATE EXTENSION flakeid; CREATE TABLE t (id bigint NOT NULL DEFAULT flakeid_next())');
}
$node->safe_psql('xb', 'INSERT INTO t SELECT FROM generate_series(1, 10)');
$node->safe_psql('xa', 'INSERT INTO t SELECT FROM generate_series(1, 2500)');
my $xa_ids = $node->safe_psql('xa', q{SELECT string_agg(id::text, ',') FROM t});
$node->stop('immediate');
set_clock('-1.5');
start_faked($node);
($ret, my $out, $err) = $node->psql(
	'xb', q{
	\set VERBOSITY verbose
	INSERT INTO t SELECT FROM generate_series(1, 100);
	SELECT 'inserted';},
	on_error_stop => 0);
my $repeats = $node->safe_psql('xb',
	"SELECT count(*) FROM t WHERE id IN ($xa_ids)");
note "after the crash xb: "
  . ($out =~ /inserted/ ? '100 IDs' : "refused: $err")
  . ", $repeats of its IDs repeat IDs xa committed before the crash";
is($repeats, 0,
	'after a crash with the clock behind, no database repeats an ID of another');
set_clock('+0');

$node->stop;
done_testing();
