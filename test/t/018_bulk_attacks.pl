# Bulk calls attacked from the sides the fair shares and the server's clock policy must
# hold against (issue 10): a bulk call under minimal from an ordinary role beside pgbench;
# the policy reloaded from logical to wait while a bulk call runs a long lead ahead, with
# another database making IDs meanwhile (waits or FL012, never FL001); a bulk call in one
# database under a standing lead beside single calls in another; cursors over
# flakeid_next_ids (paused, scrolled back, held past their transaction); statement_timeout
# and cancel while a bulk call or a single call waits. No ID repeats in any of it.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $node = start_node('bulk_attacks', conf => "autovacuum = off\n");

# db_min: minimal (the default); db1 and db2: one ID a millisecond (63,0,0,0), so a bulk
# call runs a whole lead ahead of the clock at once; db_tw1 and db_tw2: twitter.
my %layout = (
	db_min => 'minimal',
	db1 => '63,0,0,0',
	db2 => '63,0,0,0',
	db_tw1 => 'twitter',
	db_tw2 => 'twitter');
$node->safe_psql('postgres', 'CREATE ROLE bulk_loader LOGIN');
for my $db (sort keys %layout)
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql('postgres', "ALTER DATABASE $db SET flakeid.layout = '$layout{$db}'");
	$node->safe_psql(
		$db, q{
		CREATE EXTENSION flakeid;
		CREATE TABLE t (id bigint PRIMARY KEY DEFAULT flakeid_next());
		GRANT INSERT ON t TO bulk_loader;});
}
my $script = PostgreSQL::Test::Utils::tempdir() . '/insert.sql';
PostgreSQL::Test::Utils::append_to_file($script, "INSERT INTO t DEFAULT VALUES;\n");

# Starts psql as $user on $db running $sql in the background: (harness, stdout, stderr).
sub start_psql
{
	my ($db, $sql, $user) = @_;
	my ($out, $err) = ('', '');
	my $file = PostgreSQL::Test::Utils::tempdir() . '/script.sql';
	PostgreSQL::Test::Utils::append_to_file($file, $sql);
	my $h = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-v', 'VERBOSITY=verbose', '-h', $node->host,
			'-p', $node->port, '-U', $user // 'postgres', '-d', $db, '-f', $file
		],
		'>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return ($h, \$out, \$err);
}

# Runs two pgbench clients on $db for $seconds: (transactions a second, average latency ms).
sub pgbench_rates
{
	my ($db, $seconds) = @_;
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run(
		[
			'pgbench', '-n', '-f', $script, '-c', 2, '-j', 2, '-T', $seconds,
			'-h', $node->host, '-p', $node->port, $db
		],
		'>', \$out, '2>', \$err);
	ok($ok, "pgbench on $db exits with status 0") or diag($out . $err);
	my ($tps) = $out =~ /^tps = ([\d.]+)/m;
	my ($latency) = $out =~ /^latency average = ([\d.]+) ms/m;
	return ($tps // 0, $latency // 1e9);
}

# Waits until a statement matching $like runs on $db.
sub wait_active
{
	my ($db, $like) = @_;
	$node->poll_query_until(
		'postgres', qq{
		SELECT count(*) = 1 FROM pg_stat_activity
		WHERE datname = '$db' AND state = 'active' AND query LIKE '$like'})
	  or die "no statement like $like started on $db";
	return;
}

# The SQLSTATEs of the errors in a psql stderr of VERBOSITY verbose, counted.
sub sqlstates
{
	my ($stderr) = @_;
	my %count;
	$count{$1}++ while $stderr =~ /ERROR:  (\w{5}):/g;
	return \%count;
}

# A psql script of $n single calls, $pause_s apart, each its own statement (so the session
# takes a reload in between); errors do not stop it.
sub single_calls
{
	my ($n, $pause_s) = @_;
	return join '', map { "INSERT INTO t DEFAULT VALUES; SELECT pg_sleep($pause_s);\n" } 1 .. $n;
}

# ---- (a) a bulk call under minimal from an ordinary role, beside pgbench ----
# Three rounds of a run alone and a run beside the bulk call; the median ratio is judged
# (load from elsewhere falls on both runs of a round), as in test/t/009.
pgbench_rates('db_min', 1);    # warm-up
my (@kept, @slower);
for my $round (1 .. 3)
{
	my ($tps_alone, $lat_alone) = pgbench_rates('db_min', 2);
	my ($bulk, $bulk_out, $bulk_err) = start_psql('db_min',
		'SELECT count(*) FROM (SELECT flakeid_next_ids(100000000)) s', 'bulk_loader');
	wait_active('db_min', '%flakeid_next_ids(100000000)%');
	sleep 0.3;
	my ($tps_beside, $lat_beside) = pgbench_rates('db_min', 2);
	is( $node->safe_psql(
			'postgres', q{
			SELECT count(*) FROM pg_stat_activity
			WHERE usename = 'bulk_loader' AND state = 'active'}),
		1,
		"(a) round $round: the bulk call under minimal still ran when pgbench ended");
	$node->safe_psql('postgres',
		q{SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE usename = 'bulk_loader'});
	$bulk->finish;
	like($$bulk_err, qr/57014: canceling statement due to user request/,
		"(a) round $round: and it ran until it was cancelled");
	push @kept, $tps_beside / $tps_alone;
	push @slower, $lat_beside / $lat_alone;
	note sprintf('(a) round %d, minimal: 2 clients alone %.0f tps, %.3f ms; beside a bulk call '
		  . 'of an ordinary role %.0f tps (%.0f %%), %.3f ms (%.2f x)',
		$round, $tps_alone, $lat_alone, $tps_beside, 100 * $kept[-1], $lat_beside, $slower[-1]);
}
@kept = sort { $a <=> $b } @kept;
@slower = sort { $a <=> $b } @slower;
note sprintf('(a) median: the clients keep %.0f %% of their transactions a second, at %.2f x '
	  . 'their average latency', 100 * $kept[1], $slower[1]);
cmp_ok($kept[1], '>=', 0.5, '(a) beside it the clients keep at least half of their transactions a second');
cmp_ok($slower[1], '<=', 3, '(a) and their average latency stays under three times');

# ---- (b) logical -> wait by reload while a bulk call runs a long lead ahead ----
# The bulk call runs to the 3 s lead at once and then goes on at the clock's pace; db2
# makes single IDs all along. Back to wait, with the IDs 3 s ahead: the bulk call and db2
# are refused with FL012 (or wait, once the lead is down to a second), never FL001.
set_clock_policy($node, 'logical', '3s');
my ($bulk, $bulk_out, $bulk_err) =
  start_psql('db1', 'INSERT INTO t SELECT flakeid_next_ids(20000)');
my ($singles, $singles_out, $singles_err) = start_psql('db2', single_calls(300, 0.02));
sleep 1.5;
set_clock_policy($node, 'wait');
$bulk->finish;
$singles->finish;
note "(b) the bulk call in db1 after the reload:\n$$bulk_err";
like($$bulk_err, qr/ERROR:  FL012: the last flakeid is \d+ ms ahead of the clock/,
	'(b) the bulk call under an ended lead of seconds is refused with FL012');
my $states = sqlstates($$singles_err);
note '(b) db2 single calls, errors by SQLSTATE: '
  . join(', ', map { "$_ $states->{$_}" } sort keys %$states);
is_deeply([ grep { $_ ne 'FL012' } keys %$states ],
	[], '(b) db2 got no error but FL012 (no FL001)');
cmp_ok($node->safe_psql('db2', 'SELECT count(*) FROM t'),
	'>', 100, '(b) and db2 made IDs before and after the lead was waited out');

# ---- (c) a standing lead: a bulk call in db1, single calls in db2, none fails ----
set_clock_policy($node, 'logical', '1s');
($bulk, $bulk_out, $bulk_err) = start_psql('db1', 'INSERT INTO t SELECT flakeid_next_ids(3000)');
($singles, $singles_out, $singles_err) = start_psql('db2', single_calls(100, 0.01));
$bulk->finish;
$singles->finish;
is($$bulk_err . $$singles_err, '', '(c) under a standing lead neither database gets an error');
set_clock_policy($node, 'wait');
my ($ret, $stdout, $stderr) = $node->psql('db2', 'INSERT INTO t DEFAULT VALUES');
is($ret, 0, '(c) back to wait, the lead of a second left is waited out') or diag($stderr);

# ---- (d) cursors over flakeid_next_ids ----
# A cursor paused between fetches while other sessions take IDs from its state (a bulk
# call in db_tw2, single calls in db_tw1): its IDs go on increasing and none is another's.
$node->safe_psql('db_tw1', 'CREATE TABLE got (n serial, id bigint)');
my ($cursor, $cursor_out, $cursor_err) = start_psql(
	'db_tw1', q{
	\set ON_ERROR_STOP 1
	BEGIN;
	DECLARE c CURSOR FOR SELECT flakeid_next_ids(100000) AS id;
	DO $$ DECLARE cur refcursor := 'c'; r record; BEGIN
	  FOR i IN 1..5000 LOOP FETCH cur INTO r; INSERT INTO got (id) VALUES (r.id); END LOOP; END $$;
	SELECT pg_sleep(1);
	DO $$ DECLARE cur refcursor := 'c'; r record; BEGIN
	  FOR i IN 1..5000 LOOP FETCH cur INTO r; INSERT INTO got (id) VALUES (r.id); END LOOP; END $$;
	COMMIT;});
wait_active('db_tw1', '%pg_sleep(1)%');
$node->safe_psql('db_tw2', 'INSERT INTO t SELECT flakeid_next_ids(200000)');
$node->safe_psql('db_tw1', 'INSERT INTO t (id) SELECT flakeid_next() FROM generate_series(1, 100)');
$cursor->finish;
$ret = $cursor->result(0);
is($ret, 0, '(d) a cursor over flakeid_next_ids is read in two parts, paused between')
  or diag($$cursor_err);
is( $node->safe_psql(
		'db_tw1', q{
		SELECT count(*), count(DISTINCT id),
		       count(*) FILTER (WHERE id <= prev)
		FROM (SELECT id, lag(id) OVER (ORDER BY n) AS prev FROM got) s}),
	'10000|10000|0',
	'(d) the cursor gave 10000 distinct, increasing IDs');

# A scrollable cursor read forwards and back gives the same IDs again, not new ones.
my $scroll = $node->safe_psql(
	'db_tw1', q{
	BEGIN;
	DECLARE s SCROLL CURSOR FOR SELECT flakeid_next_ids(5) AS id;
	FETCH ALL FROM s;
	FETCH BACKWARD ALL FROM s;
	COMMIT;});
my @ids = split /\n/, $scroll;
is(scalar @ids, 10, '(d) forwards and back: 10 rows');
is_deeply([ @ids[ 5 .. 9 ] ], [ reverse @ids[ 0 .. 4 ] ],
	'(d) read back, they are the same 5 IDs');

# A cursor WITH HOLD is read to its end at COMMIT: a bulk one there is ended by cancel.
# (statement_timeout does not end it: PostgreSQL does not time the COMMIT that
# persists a held cursor, whatever the function; README, "Not guaranteed".)
my ($held, $held_out, $held_err) = start_psql(
	'db_tw1', q{
	BEGIN;
	DECLARE h CURSOR WITH HOLD FOR SELECT flakeid_next_ids(100000000) AS id;
	COMMIT;});
wait_active('db_tw1', 'COMMIT%');
sleep 0.3;
my $t0 = time;
$node->safe_psql('postgres',
	q{SELECT pg_cancel_backend(pid) FROM pg_stat_activity
	  WHERE datname = 'db_tw1' AND query LIKE 'COMMIT%'});
$held->finish;
my $took = time - $t0;
like($$held_err, qr/57014: canceling statement due to user request/,
	'(d) a held bulk cursor is cancelled while COMMIT persists it');
cmp_ok($took, '<', 2, sprintf('(d) at once (%.2f s)', $took));

# ---- (e) statement_timeout and cancel while a call waits ----
# A bulk call under minimal waits for every millisecond after its first: the timeout ends it.
$t0 = time;
($ret, $stdout, $stderr) = $node->psql(
	'db_min', q{
	\set VERBOSITY verbose
	SET statement_timeout = '300ms';
	SELECT count(*) FROM (SELECT flakeid_next_ids(100000000)) s;});
$took = time - $t0;
like($stderr, qr/57014: canceling statement due to statement timeout/,
	'(e) a bulk call under minimal ends at statement_timeout');
cmp_ok($took, '<', 2, sprintf('(e) after %.2f s', $took));

# A bulk call held at the lead (logical, 2 s lead, one ID a millisecond) sleeps for the
# clock: the timeout ends it.
set_clock_policy($node, 'logical', '2s');
$t0 = time;
($ret, $stdout, $stderr) = $node->psql(
	'db1', q{
	\set VERBOSITY verbose
	SET statement_timeout = '2500ms';
	SELECT count(*) FROM (SELECT flakeid_next_ids(100000)) s;});
$took = time - $t0;
like($stderr, qr/57014: canceling statement due to statement timeout/,
	'(e) a bulk call at the lead ends at statement_timeout');
cmp_ok($took, '<', 4, sprintf('(e) after %.2f s', $took));

# Back to wait with the 2 s lead the bulk call left, once it is under a second: a single call waits it out, and a timeout
# shorter than the wait ends the wait.
set_clock_policy($node, 'wait');
my $lead;
for (1 .. 50)
{
	$lead = $node->safe_psql('db2',
		q{SELECT extract(epoch FROM clock_lead) FROM flakeid_status() WHERE layout = '63,0,0,0'});
	last if $lead < 0.9;
	sleep 0.05;
}
$t0 = time;
($ret, $stdout, $stderr) = $node->psql(
	'db2', q{
	\set VERBOSITY verbose
	SET statement_timeout = '100ms';
	INSERT INTO t DEFAULT VALUES;});
$took = time - $t0;
note sprintf('(e) lead %.3f s, single call with a 100 ms timeout: %.2f s, %s', $lead, $took,
	$stderr);
if ($lead > 0.3)
{
	like($stderr, qr/57014: canceling statement due to statement timeout/,
		'(e) a single call waiting out a short lead ends at statement_timeout');
	cmp_ok($took, '<', 0.6, '(e) and does not wait the lead out first');
}
else
{
	pass("(e) the lead had passed ($lead s): nothing to wait for");
	pass('(e) skipped');
}

# Cancel, not timeout: a bulk call under minimal cancelled by pg_cancel_backend.
($bulk, $bulk_out, $bulk_err) =
  start_psql('db_min', 'SELECT count(*) FROM (SELECT flakeid_next_ids(100000000)) s');
wait_active('db_min', '%flakeid_next_ids(100000000)%');
sleep 0.2;
$t0 = time;
$node->safe_psql('postgres',
	q{SELECT pg_cancel_backend(pid) FROM pg_stat_activity
	  WHERE datname = 'db_min' AND query LIKE '%flakeid_next_ids(100000000)%'
	    AND pid <> pg_backend_pid()});
$bulk->finish;
$took = time - $t0;
like($$bulk_err, qr/57014: canceling statement due to user request/,
	'(e) a bulk call under minimal is cancelled');
cmp_ok($took, '<', 2, sprintf('(e) at once (%.2f s)', $took));

# ---- (f) a lead set per database or per role, where the library is not loaded yet ----
# ALTER DATABASE/ROLE ... SET of a setting nobody has defined in that session is kept as a
# placeholder; each session that loads flakeid finds it refused (a server setting cannot
# be set there). flakeid fails closed: no ID under a policy other than the one asked for
# (FL010, naming the setting and the value), and the server's policy is not changed.
my ($ret_db, $out_db, $err_db) = $node->psql('postgres',
	q{ALTER DATABASE db_tw2 SET flakeid.clock_policy = 'logical'});
my ($ret_role, $out_role, $err_role) = $node->psql('postgres',
	q{ALTER ROLE bulk_loader SET flakeid.clock_policy = 'logical'});
note "(f) ALTER DATABASE: $ret_db $err_db; ALTER ROLE: $ret_role $err_role";
for my $user ('postgres', 'bulk_loader')
{
	my ($r, $o, $e) = $node->psql(
		'db_tw2', "\\set VERBOSITY verbose\nSELECT flakeid_next() IS NOT NULL;",
		extra_params => [ '-U', $user ]);
	like($e, qr/ERROR:  FL010: flakeid\.clock_policy is set to "logical" where it cannot be set/,
		"(f) as $user in db_tw2 the policy set there is refused: no ID");
	note "(f) as $user: $e";
}
is($node->safe_psql('db_tw1', q{SELECT DISTINCT clock_policy FROM flakeid_status()}),
	'wait', "(f) the server's policy holds elsewhere");
$node->safe_psql('postgres', 'ALTER DATABASE db_tw2 RESET flakeid.clock_policy')
  if $ret_db == 0;
$node->safe_psql('postgres', 'ALTER ROLE bulk_loader RESET flakeid.clock_policy')
  if $ret_role == 0;

# ---- every ID ----
for my $db (sort keys %layout)
{
	is($node->safe_psql($db, 'SELECT count(*) - count(DISTINCT id) FROM t'),
		0, "$db: no ID repeats");
}
# The twitter state is one for both databases: the cursor's IDs, db_tw1's and db_tw2's.
my %seen;
my $repeats = 0;
for my $q (['db_tw1', 'SELECT id FROM t UNION ALL SELECT id FROM got'], ['db_tw2', 'SELECT id FROM t'])
{
	$repeats += $seen{$_}++ ? 1 : 0 for split /\n/, $node->safe_psql(@$q);
}
note scalar(keys %seen) . ' distinct IDs of the twitter state';
is($repeats, 0, 'no ID of the twitter state repeats across the cursor and both databases');

$node->stop;
done_testing();
