# The server's clock steps back while it runs (libfaketime moves it): a step within
# flakeid.clock_tolerance_ms is waited out (clock_waits counts it), a step of an hour is
# refused with FL001 and the session goes on, IDs resume once the clock is back, under
# the logical clock policy (the server's) IDs go on increasing across a large step in
# every session, back under the wait policy what the lead let run ahead is refused with
# FL012 (not FL001), and a long wait (a tolerance of an hour) ends at once on a cancel. Every ID of the test is kept in one
# table: none repeats, and in the order they were made they strictly increase.
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

# The counters of flakeid_status() (minimal layout: the one row of this server).
sub counters
{
	my ($node) = @_;
	my %c;
	@c{qw(ids_issued clock_waits clock_errors)} = split /\|/,
	  $node->safe_psql('postgres',
		'SELECT ids_issued, clock_waits, clock_errors FROM flakeid_status()');
	return \%c;
}

# Runs psql on $sql in the background, stopping at the first error unless
# $on_error_stop is 0; returns the harness and refs to its output.
sub start_psql
{
	my ($node, $sql, $on_error_stop) = @_;
	$on_error_stop //= 1;
	my ($out, $err) = ('', '');
	my $file = PostgreSQL::Test::Utils::tempdir() . '/session.sql';
	PostgreSQL::Test::Utils::append_to_file($file, $sql);
	my $h = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-v', "ON_ERROR_STOP=$on_error_stop",
			'-v', 'VERBOSITY=verbose',
			'-h', $node->host, '-p', $node->port, '-d', 'postgres', '-f', $file
		],
		'>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return ($h, \$out, \$err);
}

# A session that inserts IDs (made by flakeid_next(), 50 a statement) into ids, phase
# $phase, until a row for $phase appears in stop; $settings go first.
sub issuing_loop
{
	my ($phase, $settings) = @_;
	$settings //= '';
	return qq{
$settings
DO \$\$
BEGIN
  FOR i IN 1..200000 LOOP
    INSERT INTO ids (id, phase) SELECT flakeid_next(), '$phase' FROM generate_series(1, 50);
    EXIT WHEN EXISTS (SELECT FROM stop WHERE phase = '$phase');
  END LOOP;
END \$\$;
SELECT 'done $phase';
};
}

# Waits until the loop of $phase (run by harness $h) is running on the server.
sub wait_for_loop
{
	my ($node, $h, $err, $phase) = @_;
	my $deadline = time + 30;
	while (time < $deadline)
	{
		$h->pump_nb;
		die "the loop of phase $phase ended early: $$err" unless $h->pumpable;
		return
		  if $node->safe_psql(
			'postgres', qq{
			SELECT count(*) FROM pg_stat_activity
			WHERE state = 'active' AND query LIKE '%phase = ''$phase''%'
			  AND pid <> pg_backend_pid()}) == 1;
		sleep 0.05;
	}
	die "the loop of phase $phase did not start";
}

my $node = PostgreSQL::Test::Cluster->new('clock_backwards');
$node->init;
$node->append_conf('postgresql.conf', 'log_statement = none');
set_clock('+0');
start_faked($node);

my $offset = clock_offset($node);
note sprintf('server clock at +0: %+.3f s from the real time', $offset);
cmp_ok(abs($offset), '<', 0.5, 'the faked server clock starts on the real time');

$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	-- Every ID of the test, in the order it was made (seq), the phase that made it and
	-- the server's clock once it was made (at comes after id).
	CREATE TABLE ids (
		seq bigserial PRIMARY KEY,
		id bigint NOT NULL,
		at timestamptz NOT NULL DEFAULT clock_timestamp(),
		phase text NOT NULL);
	CREATE TABLE stop (phase text PRIMARY KEY);
	INSERT INTO ids (id, phase) SELECT flakeid_next(), 'start' FROM generate_series(1, 100);
});
is( $node->safe_psql('postgres', "LOAD 'flakeid'; SHOW flakeid.clock_tolerance_ms"),
	'10ms', 'the clock tolerance is 10 ms by default');

# (a) Steps of 200 ms back while a session makes IDs flat out, its tolerance 1 s: each is
# waited out. (A step is seen only if the session makes an ID within the step's size of
# the last one; steps of 200 ms, not the default's 5 ms, keep that true on a loaded
# machine, where a backend can wait its turn for tens of milliseconds.)
my $c0 = counters($node);
my ($h, $out, $err) =
  start_psql($node, issuing_loop('small', 'SET flakeid.clock_tolerance_ms = 1000;'));
wait_for_loop($node, $h, $err, 'small');
sleep 0.2;
my $steps = 4;
for my $i (1 .. $steps)
{
	set_clock(sprintf('-%.3f', 0.2 * $i));    # 200 ms further back each time
	sleep 0.5;
}
$node->safe_psql('postgres', "INSERT INTO stop VALUES ('small')");
my $ok = $h->finish;
ok($ok, 'IDs keep coming while the clock steps back 200 ms at a time')
  or diag($$err);
my $c1 = counters($node);
my $small = $node->safe_psql('postgres',
	"SELECT count(*) FROM ids WHERE phase = 'small'");
note "(a) $steps steps of 200 ms back: $small IDs made, clock_waits "
  . "$c0->{clock_waits} -> $c1->{clock_waits}, clock_errors "
  . "$c0->{clock_errors} -> $c1->{clock_errors}";
cmp_ok($small, '>', 1000, 'the session made IDs throughout');
cmp_ok($c1->{clock_waits}, '>', $c0->{clock_waits},
	'flakeid_status() counts the steps back it waited out in clock_waits');
cmp_ok($c1->{clock_waits} - $c0->{clock_waits},
	'<=', $steps, 'at most one clock wait per step back');
is($c1->{clock_errors}, $c0->{clock_errors},
	'no step of 200 ms back (within the tolerance) was refused');

# (b) One hour back: refused with FL001, a message and a hint; the session goes on.
set_clock('-3600');
$offset = clock_offset($node);
note sprintf('server clock at -3600: %+.3f s from the real time', $offset);
cmp_ok(abs($offset + 3600), '<', 5, 'the server clock is now an hour behind');
my ($ret, $stdout, $stderr) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT flakeid_next();
	SELECT count(*) FROM flakeid_next_ids(10);
	BEGIN;
	INSERT INTO ids (id, phase) VALUES (flakeid_next(), 'refused');
	COMMIT;
	SELECT 'still usable', count(*) > 0 FROM ids;},
	on_error_stop => 0);
note "(b) psql stderr:\n$stderr";
like(
	$stderr,
	qr/ERROR:  FL001: clock moved backwards: it is \d+ ms behind the last flakeid issued/,
	'an hour back: flakeid_next() fails with SQLSTATE FL001 and says why');
my @refusals = $stderr =~ /ERROR:  FL001/g;
is(scalar @refusals, 3,
	'flakeid_next(), flakeid_next_ids() and a column value are all refused');
my ($behind) = $stderr =~ /it is (\d+) ms behind/;
$behind //= 0;
cmp_ok($behind, '>', 3_590_000, "the message gives how far behind: $behind ms");
like($stderr, qr/and no lead of the logical clock policy was in force/,
	'the message says no lead was in force');
like($stderr, qr/DETAIL:  flakeid waits out steps back of up to 10 ms/,
	'the detail names the tolerance');
like($stderr, qr/HINT:  Check the server's time synchronisation/,
	'the hint says what to do');
like($stdout, qr/^still usable\|t$/m, 'the session stays usable after the errors');
is($node->safe_psql('postgres', "SELECT count(*) FROM ids WHERE phase = 'refused'"),
	0, 'the transaction of a refused ID is rolled back');
my $c2 = counters($node);
is($c2->{clock_errors} - $c1->{clock_errors},
	3, 'flakeid_status() counts the refusals in clock_errors');

# The clock comes back: IDs resume above every ID made before.
set_clock('+0');
$node->safe_psql('postgres',
	"INSERT INTO ids (id, phase) SELECT flakeid_next(), 'back' FROM generate_series(1, 100)"
);
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM ids WHERE phase = 'back'
		AND id <= (SELECT max(id) FROM ids WHERE phase <> 'back')}),
	0,
	'once the clock is back, IDs resume above every ID made before');

# (c) Logical clock policy with a lead of 2 hours, the server's (a reload puts it in force
# for every session): the clock steps back an hour while a session makes IDs flat out.
set_clock_policy($node, 'logical', '2h');
is($node->safe_psql('postgres', "LOAD 'flakeid'; SHOW flakeid.max_clock_lead_ms"),
	'2h', 'max_clock_lead_ms takes a value with a unit');
($h, $out, $err) = start_psql($node, issuing_loop('logical'));
wait_for_loop($node, $h, $err, 'logical');
sleep 0.3;
set_clock('-3600');
sleep 0.5;
# Meanwhile another session goes on as well: the lead is the server's, one for every
# session, so the first one's lead is not the other's clock fault. (Its IDs are not kept:
# the table's order is that of one session at a time.)
($ret, $stdout, $stderr) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT count(flakeid_next()) FROM generate_series(1, 100);});
is($stdout, '100', 'an hour back: another session gets IDs under the same lead')
  or diag($stderr);
$node->safe_psql('postgres', "INSERT INTO stop VALUES ('logical')");
$ok = $h->finish;
ok($ok, 'under the logical policy IDs keep coming across a step of an hour back')
  or diag($$err);
my $lead = $node->safe_psql(
	'postgres', q{
	SELECT extract(epoch FROM (flakeid_decode(max(id))).generated_at - clock_timestamp())
	FROM ids WHERE phase = 'logical'});
$lead = 0 if !defined $lead || $lead eq '';
my $c3 = counters($node);
my $logical_ids = $node->safe_psql('postgres',
	"SELECT count(*) FROM ids WHERE phase = 'logical'");
my $after_step = $node->safe_psql(
	'postgres', q{
	SELECT count(*) FROM ids, flakeid_decode(id) d
	WHERE phase = 'logical' AND d.generated_at - at > interval '55 minutes'});
note sprintf('(c) logical: %d IDs, %d of them made after the step back, the last '
	  . '%.1f s ahead of the clock',
	$logical_ids, $after_step, $lead);
cmp_ok($after_step, '>', 1000,
	'the logical session made IDs after the step back, ahead of the clock');
cmp_ok($lead, '>', 3500,
	'the IDs ran ahead of the clock, about an hour');
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM ids WHERE phase = 'logical'
		AND id <= (SELECT max(id) FROM ids WHERE phase <> 'logical')}),
	0,
	'the logical IDs are above every ID made before');

# Back to the wait policy while the IDs are still an hour ahead of the clock: what the
# ended lead let run ahead is no clock fault. It is refused with FL012, which names the
# lead and says when IDs resume; nothing else is refused.
set_clock_policy($node, 'wait');
($ret, $stdout, $stderr) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT flakeid_next();});
note "(c) back to wait, an hour ahead:\n$stderr";
like(
	$stderr,
	qr/ERROR:  FL012: the last flakeid is \d+ ms ahead of the clock: the logical clock policy let IDs run ahead/,
	'back to the wait policy an hour ahead: FL012 names the lead, not a clock fault');
like($stderr, qr/HINT:  IDs resume at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/,
	'and the hint says when IDs resume');

# And after the clock is back, the default policy goes on above them.
set_clock('+0');
$node->safe_psql('postgres',
	"INSERT INTO ids (id, phase) SELECT flakeid_next(), 'end' FROM generate_series(1, 100)"
);

# (d) A long wait is interruptible: with a tolerance of an hour, a clock 30 minutes
# behind is waited out, and a cancel ends that wait at once.
set_clock('-1800');
my $c4 = counters($node);
($h, $out, $err) = start_psql(
	$node, q{
SET flakeid.clock_tolerance_ms = '1h';
SELECT flakeid_next();
RESET flakeid.clock_tolerance_ms;
SELECT 'after cancel', count(*) > 0 FROM ids;
}, 0);
my $pid;
my $deadline = time + 10;
while (time < $deadline && !$pid)
{
	$pid = $node->safe_psql(
		'postgres', q{
		SELECT pid FROM pg_stat_activity
		WHERE query LIKE 'SELECT flakeid_next()%' AND wait_event_type = 'Extension'
		  AND pid <> pg_backend_pid()});
	sleep 0.05 unless $pid;
}
ok($pid, 'with a tolerance of an hour, a clock 30 minutes behind is waited out');
sleep 0.5;
my $cancelled_at = time;
$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)") if $pid;
my $ended;
while (time < $cancelled_at + 5)
{
	$h->pump_nb;
	if (!$h->pumpable)
	{
		$ended = time - $cancelled_at;
		last;
	}
	sleep 0.01;
}
my $interruptible = defined $ended && $ended < 1;
ok($interruptible,
	sprintf('a cancel ends the wait within a second (%s)',
		defined $ended ? sprintf('%.3f s', $ended) : 'it did not end in 5 s'));
if (!defined $ended)
{
	# Let the stuck wait end: the clock comes back and a second cancel wakes it.
	set_clock('+0');
	$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
}
$h->finish;
note "(d) the cancelled wait:
$$err";
like($$err, qr/ERROR:  57014: canceling statement due to user request/,
	'the cancelled wait fails with SQLSTATE 57014');
like($$out, qr/^after cancel\|t$/m, 'and the session goes on');
my $c5 = counters($node);
is($c5->{clock_waits} - $c4->{clock_waits}, 1, 'clock_waits counts the wait');
is($c5->{clock_errors}, $c4->{clock_errors}, 'and clock_errors does not');
set_clock('+0');

# Every ID of the test: none repeats, and in the order they were made they increase.
my ($total, $distinct, $not_increasing) = id_order_counts($node, 'ids');
note "all phases: $total IDs, $distinct distinct, $not_increasing not above the one before";
is($distinct, $total, 'no ID of the test repeats');
is($not_increasing, 0, 'in the order they were made, the IDs strictly increase');

# A wait that a cancel did not end may still hold its backend: stop without waiting.
$node->stop($interruptible ? 'fast' : 'immediate');
done_testing();
