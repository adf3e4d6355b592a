# The clock policy belongs to the server, and its lead to every state: two databases on
# one layout, one running a bulk call under the logical policy (so its IDs run ahead of the
# clock), the other making IDs through pgbench at the same time. The server goes back to
# the wait policy in the middle of it (a reload, which the bulk call, inside one statement,
# never sees). No call fails: what the lead let run ahead is waited out (about a second),
# not taken for a clock gone back. With a longer lead, going back to wait refuses with
# FL012, which names the lead and says when IDs resume, and IDs come once it has passed.
# flakeid_status() shows the lead. No ID repeats, and each backend's IDs increase.
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

my $node = PostgreSQL::Test::Cluster->new('clock_lead');
$node->init;
$node->append_conf('postgresql.conf', 'log_statement = none');
$node->start;

# One ID a millisecond (63,0,0,0), so any reader of it is faster than the layout: under
# the logical policy a bulk call runs a whole lead ahead of the clock at once.
for my $db ('db1', 'db2')
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql('postgres', "ALTER DATABASE $db SET flakeid.layout = '63,0,0,0'");
	$node->safe_psql(
		$db, q{
		CREATE EXTENSION flakeid;
		CREATE TABLE t (
			seq bigserial PRIMARY KEY,
			id bigint NOT NULL DEFAULT flakeid_next(),
			pid int NOT NULL DEFAULT pg_backend_pid());
	});
}
my $script = PostgreSQL::Test::Utils::tempdir() . '/insert.sql';
PostgreSQL::Test::Utils::append_to_file($script, "INSERT INTO t DEFAULT VALUES;\n");

# Starts psql on $db running $sql in the background: (harness, stdout, stderr).
sub start_psql
{
	my ($db, $sql) = @_;
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-v', 'VERBOSITY=verbose',
			'-h', $node->host, '-p', $node->port, '-d', $db, '-c', $sql
		],
		'>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return ($h, \$out, \$err);
}

# Starts pgbench clients inserting into db2's t for $seconds: (harness, stdout, stderr).
sub start_inserts
{
	my ($seconds) = @_;
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[
			'pgbench', '-n', '-f', $script, '-c', 2, '-j', 2, '-T', $seconds,
			'-h', $node->host, '-p', $node->port, 'db2'
		],
		'>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return ($h, \$out, \$err);
}

# How far the state's last ID is ahead of the clock, in seconds, as flakeid_status() says.
sub status_lead
{
	return $node->safe_psql('db2',
		q{SELECT extract(epoch FROM clock_lead) FROM flakeid_status() WHERE layout = '63,0,0,0'});
}

# ---- a lead of a second, ended in the middle of a bulk call ----
set_clock_policy($node, 'logical', '1s');
my ($bulk, $bulk_out, $bulk_err) =
  start_psql('db1', 'INSERT INTO t (id) SELECT flakeid_next_ids(4000)');
my ($bench, $bench_out, $bench_err) = start_inserts(4);
sleep 1;
is($node->safe_psql('db2', 'SELECT DISTINCT clock_policy FROM flakeid_status()'),
	'logical', 'flakeid_status() shows the server\'s policy');
my $lead = status_lead();
note "flakeid_status().clock_lead under the logical policy: $lead s";
cmp_ok($lead, '>', 0.5, 'the IDs run ahead of the clock, about the lead of a second');
cmp_ok($lead, '<=', 1.01, 'and no further than the lead');
set_clock_policy($node, 'wait');
my $bulk_running = $node->safe_psql('postgres',
	q{SELECT count(*) FROM pg_stat_activity WHERE datname = 'db1' AND state = 'active'});
is($bulk_running, 1, 'the policy went back to wait while the bulk call ran');
ok($bulk->finish, 'the bulk call under the ended lead succeeds') or diag($$bulk_err);
ok($bench->finish, 'pgbench on the other database succeeds throughout')
  or diag($$bench_out . $$bench_err);
unlike($$bench_err, qr/ERROR/, 'no client of the other database got an error');
my ($transactions) = $$bench_out =~ /number of transactions actually processed: (\d+)/;
note "db2: $transactions rows inserted by pgbench meanwhile";
cmp_ok($transactions // 0, '>', 100, 'and its clients made IDs all along');
is($node->safe_psql('db1', 'SELECT count(*) FROM t'), 4000, 'the bulk call made its 4000 IDs');
is($node->safe_psql('db2', 'SELECT DISTINCT clock_policy FROM flakeid_status()'),
	'wait', 'flakeid_status() shows the wait policy');
is($node->safe_psql('db2', 'SELECT count(*) FROM flakeid_status() WHERE clock_errors > 0'),
	0, 'no refusal was counted');

# ---- a lead of five seconds, ended: refused with FL012 until it has nearly passed ----
set_clock_policy($node, 'logical', '5s');
$node->safe_psql('db1', 'INSERT INTO t (id) SELECT flakeid_next_ids(4000)');
$lead = status_lead();
note "after 4000 IDs under a 5 s lead, flakeid_status().clock_lead: $lead s";
cmp_ok($lead, '>', 3, 'the IDs run seconds ahead of the clock');
set_clock_policy($node, 'wait');
my ($ret, $stdout, $stderr) = $node->psql(
	'db2', q{
	\set VERBOSITY verbose
	INSERT INTO t DEFAULT VALUES;});
note "back to wait with the IDs $lead s ahead:\n$stderr";
like(
	$stderr,
	qr/ERROR:  FL012: the last flakeid is \d+ ms ahead of the clock: the logical clock policy let IDs run ahead/,
	'back to the wait policy with a long lead left: FL012, which names the lead');
like($stderr, qr/HINT:  IDs resume at /, 'and says when IDs resume');
unlike($stderr, qr/FL001/, 'no clock fault is reported');
my $started = time;
my $ok;
while (time < $started + 10)
{
	($ret) = $node->psql('db2', 'INSERT INTO t DEFAULT VALUES');
	if ($ret == 0)
	{
		$ok = 1;
		last;
	}
	sleep 0.2;
}
ok($ok, sprintf('IDs come again once the lead has (nearly) passed, after %.1f s', time - $started));

# ---- every ID of the test ----
my (%seen, %last, $duplicates, $not_increasing, $total);
for my $db ('db1', 'db2')
{
	for (split /\n/, $node->safe_psql($db, 'SELECT pid, id FROM t ORDER BY seq'))
	{
		my ($pid, $id) = split /\|/;
		$total++;
		$duplicates++ if $seen{$id}++;
		$not_increasing++ if exists $last{"$db $pid"} && $id <= $last{"$db $pid"};
		$last{"$db $pid"} = $id;
	}
}
note "$total IDs in db1 and db2";
is($duplicates // 0, 0, 'no ID repeats across the two databases');
is($not_increasing // 0, 0, "each backend's IDs strictly increase");

$node->stop;
done_testing();
