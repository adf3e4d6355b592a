# Beyond one server: three publishers make IDs at the same time, each with its own machine
# id (A and B from postgresql.conf, C from FLAKEID_MACHINE_ID in its server's environment),
# and logical replication merges their events tables into one table on a fourth node.
# Every row must arrive, no apply may conflict, and flakeid_decode(id) on the subscriber
# must name the publisher each row came from.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $clients = 2;          # pgbench clients per publisher
my $transactions = 1500;  # per client
my $rows = 3;             # rows per transaction
my $per_publisher = $clients * $transactions * $rows;
my $datacenter = 1;

# origin => its machine id (A and B from postgresql.conf, C from the environment).
my %machine = (A => 1, B => 2, C => 3);
my @origins = sort keys %machine;

# The subscription of an origin; its name, lower-cased, is the walsender's application_name.
sub subname { return 'sub_' . lc shift; }

my $table = events_table();

my %pub;
for my $origin (@origins)
{
	# C: flakeid.machine_id stays -1, and the server takes FLAKEID_MACHINE_ID from its
	# environment. Only the postmaster sees it; the test's psql and pgbench do not.
	my $node = start_node(
		"pub_$origin",
		init => { allows_streaming => 'logical' },
		conf => "max_connections = 20\n"
		  . twitter_node_conf($datacenter, $origin eq 'C' ? undef : $machine{$origin}),
		env => $origin eq 'C' ? { FLAKEID_MACHINE_ID => $machine{$origin} } : {});
	$node->safe_psql('postgres', "CREATE EXTENSION flakeid; $table;");
	$node->safe_psql('postgres',
		"CREATE PUBLICATION pub_$origin FOR TABLE events");
	$pub{$origin} = $node;
}
ok(!defined $ENV{FLAKEID_MACHINE_ID},
	'FLAKEID_MACHINE_ID is not left in the test environment');

my $sub = start_node(
	'subscriber', conf => q{
flakeid.layout = 'twitter'
max_worker_processes = 16
max_logical_replication_workers = 12
max_sync_workers_per_subscription = 2
});
$sub->safe_psql('postgres', "CREATE EXTENSION flakeid; $table;");
subscribe($sub, subname($_), $pub{$_}, "pub_$_") for @origins;
$sub->wait_for_subscription_sync;
for my $origin (@origins)
{
	$pub{$origin}->wait_for_catchup(subname($origin));
}
is($sub->safe_psql('postgres', 'SELECT count(*) FROM pg_stat_subscription'),
	3, 'three subscriptions, each with its apply worker, before the load');

# pgbench on the three publishers at once: each transaction inserts $rows events through
# the DEFAULT.
# application_name carries the origin into the rows.
my $started = time;
my %run = start_pgbench_on_nodes(\%pub, events_insert_script($rows),
	$clients, $transactions, '--protocol=prepared');
my $total = $clients * $transactions;
for my $origin (@origins)
{
	my $r = $run{$origin};
	my $ok = $r->{harness}->finish;
	note "pgbench on $origin:\n${ $r->{out} }${ $r->{err} }";
	ok($ok, "pgbench on publisher $origin exits with status 0");
	like(
		${ $r->{out} },
		qr/number of transactions actually processed: $total\/$total\n/,
		"pgbench on publisher $origin processed every transaction");
}
note sprintf('three pgbench runs took %.1f s', time - $started);

# Each publisher reports the node ids it used and where they came from.
for my $origin (@origins)
{
	my $source = $origin eq 'C' ? 'environment' : 'setting';
	is( $pub{$origin}->safe_psql(
			'postgres', q{
			SELECT layout, datacenter_id, machine_id, machine_id_source
			FROM flakeid_status() LIMIT 1}),
		"twitter|$datacenter|$machine{$origin}|$source",
		"publisher $origin: twitter layout, machine id $machine{$origin} from the $source"
	);
}

for my $origin (@origins)
{
	is( $pub{$origin}->safe_psql(
			'postgres',
			"SELECT count(*) FILTER (WHERE origin = '$origin'), count(*) FROM events"),
		"$per_publisher|$per_publisher",
		"publisher $origin holds its $per_publisher rows");
	$pub{$origin}->wait_for_catchup(subname($origin));
}

# The same rows on both sides: count, sum and a digest of the sorted IDs and payloads.
my $digest = q{
	SELECT count(*), sum(id), md5(string_agg(id || ':' || payload, ',' ORDER BY id))
	FROM events WHERE origin = '%s'};
for my $origin (@origins)
{
	my $q = sprintf($digest, $origin);
	is($sub->safe_psql('postgres', $q),
		$pub{$origin}->safe_psql('postgres', $q),
		"every row of publisher $origin arrived intact on the subscriber");
}
is($sub->safe_psql('postgres', 'SELECT count(*), count(DISTINCT id) FROM events'),
	(3 * $per_publisher) . '|' . (3 * $per_publisher),
	'the subscriber holds all rows of the three publishers, every ID distinct');

# No conflicts: no apply error, every subscription enabled with a live worker, nothing in
# the subscriber's log.
is( $sub->safe_psql(
		'postgres', q{
		SELECT count(*), bool_and(subenabled) FROM pg_subscription}),
	'3|t',
	'all three subscriptions are still enabled');
is( $sub->safe_psql(
		'postgres', q{
		SELECT count(*) FROM pg_stat_subscription
		WHERE relid IS NULL AND pid IS NOT NULL}),
	3,
	'each subscription still has its apply worker');
is( $sub->safe_psql(
		'postgres', q{
		SELECT sum(apply_error_count + sync_error_count)
		FROM pg_stat_subscription_stats}),
	0,
	'pg_stat_subscription_stats counts no apply or sync error');
my $log = slurp_file($sub->logfile);
my @bad = grep { /duplicate key|conflict|ERROR:/ } split /\n/, $log;
is(scalar @bad, 0, 'the subscriber log has no duplicate key, conflict or error')
  or diag join("\n", @bad[ 0 .. ($#bad < 9 ? $#bad : 9) ]);

# flakeid_decode on the subscriber (twitter layout there too) names each row's origin.
my $decode_mismatch = q{
	SELECT count(*) FROM events e, flakeid_decode(e.id) d
	WHERE d.datacenter_id <> %d
	   OR d.machine_id <> CASE e.origin WHEN 'A' THEN 1 WHEN 'B' THEN 2 WHEN 'C' THEN 3 END
	   OR d.machine_id IS NULL};
is($sub->safe_psql('postgres', sprintf($decode_mismatch, $datacenter)),
	0, 'flakeid_decode(id): machine id 1/2/3 is the origin A/B/C of every row');
is( $sub->safe_psql(
		'postgres', q{
		SELECT string_agg(origin || '=' || machine_id || ':' || n, ' ' ORDER BY origin)
		FROM (SELECT e.origin, d.machine_id, count(*) AS n
		      FROM events e, flakeid_decode(e.id) d GROUP BY 1, 2) s}),
	join(' ', map { "$_=$machine{$_}:$per_publisher" } @origins),
	'decoded per origin: A=1, B=2, C=3, each with all its rows');

# The publishers really wrote at the same time, and only the node bits (21-12) keep their
# keys apart: the same millisecond and sequence appear under different machine ids.
my $overlap = $sub->safe_psql(
	'postgres', q{
	SELECT count(*) FROM (
		SELECT id >> 22, id & 4095 FROM events
		GROUP BY 1, 2 HAVING count(DISTINCT origin) > 1) s});
note "(millisecond, sequence) pairs made by more than one publisher: $overlap";
cmp_ok($overlap, '>', 0,
	'publishers made IDs in the same millisecond with the same sequence: the machine id keeps them apart'
);
# The subscriber's own generator still works beside the replicated rows.
is( $sub->safe_psql(
		'postgres', q{
		INSERT INTO events (origin) VALUES ('local') RETURNING id > 0 AND
		  id > (SELECT max(id) FROM events WHERE origin <> 'local')}),
	't',
	'a local insert on the subscriber gets a new ID above the replicated ones');

$sub->stop;
$pub{$_}->stop for @origins;
done_testing();
