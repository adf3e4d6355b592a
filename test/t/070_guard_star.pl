# The replication guard in a star: three publishers and a hub that subscribes to all three.
# Publishers 1 and 2 are both given machine id 2 by mistake, publisher 3 has machine id 3.
# They insert at the same time; the hub's guard binds node (1, 2) to whichever of the two
# clashing subscriptions applies first and refuses every transaction of the other, so the
# hub holds all rows of one clashing publisher and of publisher 3, and none of the other.
# Then the operator does what the README says: gives the misconfigured publisher machine id
# 4, reloads it, skips each refused transaction with ALTER SUBSCRIPTION ... SKIP (lsn = ...)
# from the LSN in the hub's log; its new rows arrive.
#
# FLAKEID_TEST_NO_GUARD=1 runs the same test without flakeid_guard() on the hub: it must
# fail (colliding rows land), which shows that the guard is what the test measures.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $clients = 2;          # pgbench clients per publisher
my $transactions = 2;     # per client: each one a transaction the guard may refuse
my $rows = 1500;          # rows per transaction
my $per_publisher = $clients * $transactions * $rows;
my $new_rows = 100;       # rows the misconfigured publisher inserts once fixed
my $datacenter = 1;
my %machine = (p1 => 2, p2 => 2, p3 => 3);
my @pubs = sort keys %machine;
my $guarded = !$ENV{FLAKEID_TEST_NO_GUARD};

# The subscription of a publisher.
sub subname { return 'sub_' . shift; }

my $table = events_table();

my %pub;
for my $name (@pubs)
{
	my $node = start_node(
		$name,
		init => { allows_streaming => 'logical' },
		conf => twitter_node_conf($datacenter, $machine{$name}));
	$node->safe_psql('postgres', "CREATE EXTENSION flakeid; $table;");
	$node->safe_psql('postgres', "CREATE PUBLICATION pub_$name FOR TABLE events");
	$pub{$name} = $node;
}

my $hub = start_node(
	'hub', conf => twitter_node_conf(1, 9) . q{
max_worker_processes = 16
max_logical_replication_workers = 12
wal_retrieve_retry_interval = '300ms'
});
$hub->safe_psql('postgres', "CREATE EXTENSION flakeid; $table;");
$hub->safe_psql('postgres', "SELECT flakeid_guard('events')") if $guarded;
subscribe($hub, subname($_), $pub{$_}, "pub_$_") for @pubs;
$hub->wait_for_subscription_sync;
my %origin_of = split /[|\n]/, $hub->safe_psql(
	'postgres', q{SELECT subname, 'pg_' || oid FROM pg_subscription});

# The three publishers insert at the same time: each pgbench transaction $rows events.
my %run =
  start_pgbench_on_nodes(\%pub, events_insert_script($rows), $clients, $transactions);
for my $name (@pubs)
{
	my $r = $run{$name};
	ok($r->{harness}->finish, "pgbench on $name exits with status 0")
	  or diag ${ $r->{err} };
	is($pub{$name}->safe_psql('postgres', 'SELECT count(*) FROM events'),
		$per_publisher, "$name holds its $per_publisher rows");
}

# Rows per origin on the hub, as "p1=N p2=N p3=N".
sub hub_counts
{
	my %n = split /[|\n]/,
	  $hub->safe_psql('postgres', 'SELECT origin, count(*) FROM events GROUP BY origin');
	return join ' ', map { "$_=" . ($n{$_} // 0) } @pubs;
}

# The guard refuses the first transaction of one of the two clashing subscriptions.
my $refused_re = qr/ERROR:  (?:FL013: )?flakeid guard: node \(datacenter 1, machine 2\) arrives from subscription "(sub_p[12])" \(replication origin "pg_\d+"\) but is bound to subscription "(sub_p[12])"/;
my $log_offset = 0;
my ($loser, $winner);
if ($guarded)
{
	$hub->wait_for_log($refused_re, 0);
	my ($refused, $bound) = slurp_file($hub->logfile) =~ $refused_re;
	($loser) = $refused =~ /sub_(p\d)/;
	($winner) = $bound =~ /sub_(p\d)/;
	isnt($loser, $winner, "the guard refuses $refused, whose node is bound to $bound");
}
else
{
	# Without the guard nothing is refused: say p2 was the misconfigured one.
	($loser, $winner) = ('p2', 'p1');
}
note "refused: $loser, bound: $winner";
if ($guarded)
{
	$pub{$_}->wait_for_catchup(subname($_)) for ($winner, 'p3');
}
else
{
	# Without the guard the two clashing streams meet in the primary key: their applies
	# stall on duplicate keys, so wait for p3 only, then give the others a few seconds.
	$pub{p3}->wait_for_catchup(subname('p3'));
	sleep 5;
}

is(hub_counts(),
	join(' ', map { "$_=" . ($_ eq $loser ? 0 : $per_publisher) } @pubs),
	"the hub holds every row of $winner and p3, and none of $loser");
is( $hub->safe_psql(
		'postgres', q{
		SELECT string_agg(DISTINCT e.origin || ':' || d.datacenter_id || '/' || d.machine_id, ' '
		                  ORDER BY e.origin || ':' || d.datacenter_id || '/' || d.machine_id)
		FROM events e, flakeid_decode(e.id) d}),
	"$winner:1/2 p3:1/3",
	'node 1/2 comes only from one publisher');

if (!$guarded)
{
	my $dups = () = slurp_file($hub->logfile) =~ /duplicate key value violates unique constraint/g;
	note "without the guard: rows per origin on the hub: " . hub_counts()
	  . "; duplicate key errors in the hub's log: $dups";
	done_testing();
	exit;
}

my $log = slurp_file($hub->logfile);
my ($error) = $log =~ /^(.*ERROR: .*flakeid guard.*)$/m;
note "the guard's error as logged: $error" if $error;
like(
	$log,
	qr/ERROR:  (?:FL013: )?flakeid guard: node \(datacenter 1, machine 2\) arrives from subscription "sub_$loser" \(replication origin "$origin_of{"sub_$loser"}"\) but is bound to subscription "sub_$winner" \(replication origin "$origin_of{"sub_$winner"}"\)/,
	'the log names both subscriptions and their origins');
like($log, qr/HINT:  Give the server behind subscription "sub_$loser" \(replication origin "pg_\d+"\) its own flakeid.datacenter_id and flakeid.machine_id and reload it, then skip this transaction with ALTER SUBSCRIPTION sub_$loser SKIP/,
	'the log gives the hint');
is( $hub->safe_psql(
		'postgres', q{
		SELECT string_agg(datacenter_id || '/' || machine_id || '=' || subscription, ' '
		                  ORDER BY machine_id)
		FROM flakeid_guard_bindings WHERE layout = '41,5,5,12'}),
	"1/2=sub_$winner 1/3=sub_p3",
	'flakeid_guard_bindings: node 1/2 bound to the winner, 1/3 to p3');

# The fix, as the README gives it. 1: the misconfigured publisher gets machine id 4.
my $bad = $pub{$loser};
$bad->safe_psql('postgres',
	"LOAD 'flakeid'; ALTER SYSTEM SET flakeid.machine_id = 4; SELECT pg_reload_conf();");
$bad->poll_query_until('postgres', "SELECT current_setting('flakeid.machine_id') = '4'")
  or die 'machine id 4 did not come into force';
$bad->safe_psql('postgres',
	"INSERT INTO events (origin, payload) SELECT '$loser', 'fixed ' || r FROM generate_series(1, $new_rows) r"
);
is( $bad->safe_psql(
		'postgres', q{
		SELECT count(*) FROM events e, flakeid_decode(e.id) d
		WHERE payload LIKE 'fixed %' AND d.machine_id = 4}),
	$new_rows,
	"$loser makes its new IDs with machine id 4");

# 2: each refused transaction is skipped with the LSN the hub's log gives
# ("finished at ..." in the error's CONTEXT), until the subscription applies again.
my $origin = $origin_of{"sub_$loser"};
my $context_re = qr/CONTEXT:  processing remote data for replication origin "\Q$origin\E".* finished at ([0-9A-F]+\/[0-9A-F]+)/;
my $done = sub {
	$hub->safe_psql('postgres',
		"SELECT count(*) FROM events WHERE payload LIKE 'fixed %'") == $new_rows;
};
my ($skipped, $last_lsn) = (0, '');
my $deadline = time + $PostgreSQL::Test::Utils::timeout_default;
while ($guarded && !$done->() && time < $deadline)
{
	my @lsns = slurp_file($hub->logfile) =~ /$context_re/g;
	my $lsn = $lsns[-1];
	if (defined $lsn && $lsn ne $last_lsn
		&& $hub->safe_psql('postgres',
			"SELECT subskiplsn = '0/0' FROM pg_subscription WHERE subname = 'sub_$loser'") eq 't')
	{
		note "ALTER SUBSCRIPTION sub_$loser SKIP (lsn = '$lsn')";
		$hub->safe_psql('postgres', "ALTER SUBSCRIPTION sub_$loser SKIP (lsn = '$lsn')");
		$last_lsn = $lsn;
		$skipped++;
	}
	usleep(100_000);
}
ok($done->(), "after $skipped skips, the $new_rows new rows of $loser arrive");
is($skipped, $guarded ? $clients * $transactions : 0,
	"one skip per refused transaction ($clients x $transactions)");
$pub{$_}->wait_for_catchup(subname($_)) for @pubs;

# Row counts per origin: nothing lost on the good publishers, only the new rows of the fixed
# one, every ID distinct.
my $counts = hub_counts();
note "rows per origin on the hub: $counts";
is($counts,
	join(' ', map { "$_=" . ($_ eq $loser ? $new_rows : $per_publisher) } @pubs),
	'rows per origin: all of the two good publishers, the new ones of the fixed one');
is( $hub->safe_psql('postgres',
		"SELECT count(*) FROM events e, flakeid_decode(e.id) d WHERE d.machine_id = 2 AND e.origin <> '$winner'"),
	0,
	'no row of node 1/2 from another publisher than the winner');
my $digest = q{SELECT count(*), md5(string_agg(id || ':' || payload, ',' ORDER BY id))
	FROM events WHERE origin = '%s'};
for my $name ($winner, 'p3')
{
	is($hub->safe_psql('postgres', sprintf($digest, $name)),
		$pub{$name}->safe_psql('postgres', sprintf($digest, $name)),
		"every row of $name arrived intact");
}
is( $hub->safe_psql(
		'postgres', q{
		SELECT string_agg(datacenter_id || '/' || machine_id || '=' || subscription, ' '
		                  ORDER BY machine_id)
		FROM flakeid_guard_bindings}),
	"1/2=sub_$winner 1/3=sub_p3 1/4=sub_$loser",
	'the fixed publisher\'s node 1/4 is bound to its subscription');
# The warm apply worker of the winner drops its cached binding when the binding changes in
# another session: bound by hand to p3's origin, node 1/2 is refused from the winner, and
# arrives again once the binding is put back.
if ($guarded)
{
	my $offset = -s $hub->logfile;
	my $winner_origin = $origin_of{"sub_$winner"};
	$hub->safe_psql('postgres',
		"UPDATE flakeid_guard_binding SET origin = '$origin_of{sub_p3}' WHERE machine_id = 2");
	$pub{$winner}->safe_psql('postgres',
		"INSERT INTO events (origin, payload) VALUES ('$winner', 'after the rebinding')");
	$hub->wait_for_log(
		qr/flakeid guard: node \(datacenter 1, machine 2\) arrives from subscription "sub_$winner" \(replication origin "pg_\d+"\) but is bound to subscription "sub_p3"/,
		$offset);
	pass("bound by hand to sub_p3 in another session, node 1/2 is refused from sub_$winner");
	$hub->safe_psql('postgres',
		"UPDATE flakeid_guard_binding SET origin = '$winner_origin' WHERE machine_id = 2");
	$pub{$winner}->wait_for_catchup(subname($winner));
	is($hub->safe_psql('postgres',
			"SELECT count(*) FROM events WHERE payload = 'after the rebinding'"),
		1, 'bound back, the row arrives');
}

# A local insert on the hub is not checked, even with a node bound elsewhere.
$hub->safe_psql('postgres',
	"INSERT INTO events VALUES ((1000::bigint << 22) | (1 << 17) | (2 << 12), 'local', 'by hand')");
pass('a row inserted by hand on the hub with node 1/2 is not refused');

$hub->stop;
$pub{$_}->stop for @pubs;
done_testing();
