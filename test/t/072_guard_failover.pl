# The replication guard and a legitimate failover: a publisher (node 1/5) with a streaming
# standby, and a hub that subscribes to it. The publisher stops, its standby is promoted,
# and the hub's subscription is re-pointed to the new primary (ALTER SUBSCRIPTION ...
# CONNECTION): the subscription keeps its replication origin, so the rows the new primary
# makes with the same node id arrive without a false alarm. The hub also copies the rows
# that existed before it subscribed (the initial table synchronization runs under an
# origin of its own, which the guard counts as its subscription's).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $table = q{CREATE TABLE events (id bigint PRIMARY KEY DEFAULT flakeid_next(), phase text)};

my $primary = start_node(
	'primary',
	init => { allows_streaming => 'logical' },
	conf => twitter_node_conf(1, 5));
$primary->safe_psql(
	'postgres', qq{
	CREATE EXTENSION flakeid; $table;
	CREATE PUBLICATION pub FOR TABLE events;
	INSERT INTO events (phase) SELECT 'before the hub' FROM generate_series(1, 500);});
$primary->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'base', has_streaming => 1);
$standby->start;

my $hub = start_node('hub',
	conf => twitter_node_conf(1, 9) . "wal_retrieve_retry_interval = '300ms'\n");
$hub->safe_psql('postgres', "CREATE EXTENSION flakeid; $table; SELECT flakeid_guard('events');");
subscribe($hub, 'sub', $primary, 'pub');
$hub->wait_for_subscription_sync($primary, 'sub');
$primary->safe_psql('postgres',
	"INSERT INTO events (phase) SELECT 'on the primary' FROM generate_series(1, 500)");
$primary->wait_for_catchup('sub');
my $origin = $hub->safe_psql('postgres', q{SELECT 'pg_' || oid FROM pg_subscription});
is( $hub->safe_psql(
		'postgres', q{
		SELECT string_agg(machine_id || '=' || origin || '=' || subscription, ',')
		FROM flakeid_guard_bindings}),
	"5=$origin=sub",
	'node 1/5 is bound to the subscription\'s origin (the copied rows too)');

# Failover: the standby has every row; the primary stops; the standby is promoted.
$primary->wait_for_catchup($standby);
$primary->stop;
$standby->promote;
# The hub's subscription follows it: a slot of the subscription's name on the new primary,
# then the new connection string. The origin, and so the binding, stay.
$standby->safe_psql('postgres',
	"SELECT pg_create_logical_replication_slot('sub', 'pgoutput')");
$hub->safe_psql('postgres', 'ALTER SUBSCRIPTION sub DISABLE');
$hub->safe_psql('postgres',
	"ALTER SUBSCRIPTION sub CONNECTION '" . $standby->connstr . " dbname=postgres'");
$hub->safe_psql('postgres', 'ALTER SUBSCRIPTION sub ENABLE');
$standby->safe_psql('postgres',
	"INSERT INTO events (phase) SELECT 'on the promoted standby' FROM generate_series(1, 500)");
$standby->wait_for_catchup('sub');

is( $hub->safe_psql(
		'postgres', q{
		SELECT string_agg(phase || '=' || n, ', ' ORDER BY phase)
		FROM (SELECT e.phase || ' ' || d.datacenter_id || '/' || d.machine_id AS phase,
		             count(*) AS n
		      FROM events e, flakeid_decode(e.id) d GROUP BY 1) s}),
	'before the hub 1/5=500, on the primary 1/5=500, on the promoted standby 1/5=500',
	'the hub holds all rows of node 1/5, from the primary and from its promoted standby');
is( $hub->safe_psql('postgres', q{SELECT count(*), count(DISTINCT id) FROM events}),
	'1500|1500', 'every ID distinct');
# (The hub's apply worker does log errors while the old primary shuts down and the
# subscription waits for the new one: connection errors, not the guard's.)
my @alarms = grep { /flakeid guard|FL013/ } split /\n/, slurp_file($hub->logfile);
is(scalar @alarms, 0, 'no false alarm: the hub logs no error of the guard')
  or diag join("\n", @alarms);
is($hub->safe_psql('postgres', 'SELECT count(*) FROM flakeid_guard_bindings'),
	1, 'still one binding');

# A new subscription to the same server is a new origin: node 1/5 arriving through it is
# refused until the operator forgets the binding (the README says so).
$hub->safe_psql('postgres', 'ALTER SUBSCRIPTION sub DISABLE');
subscribe($hub, 'sub2', $standby, 'pub', 'copy_data = false');
$standby->safe_psql('postgres',
	"INSERT INTO events (phase) SELECT 'through sub2' FROM generate_series(1, 5)");
$hub->wait_for_log(
	qr/ERROR:  (?:FL013: )?flakeid guard: node \(datacenter 1, machine 5\) arrives from subscription "sub2" \(replication origin "pg_\d+"\) but is bound to subscription "sub"/,
	0);
pass('a second subscription to the same server is refused for node 1/5');
$hub->safe_psql('postgres', 'SELECT flakeid_guard_forget(1, 5)');
$standby->wait_for_catchup('sub2');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM events WHERE phase = 'through sub2'}),
	5, 'after flakeid_guard_forget(1, 5) its rows arrive');
is( $hub->safe_psql(
		'postgres', q{SELECT machine_id || '=' || subscription FROM flakeid_guard_bindings}),
	'5=sub2', 'node 1/5 is bound to sub2 now');

# pg_dump keeps the bindings (and the guard's trigger, still ENABLE ALWAYS).
my $dump = PostgreSQL::Test::Utils::tempdir() . '/hub.dump';
$hub->command_ok([ 'pg_dump', '-Fc', '--no-subscriptions', '-f', $dump, '-d', 'postgres' ],
	'pg_dump of the hub');
$hub->safe_psql('postgres', 'CREATE DATABASE restored');
$hub->command_ok([ 'pg_restore', '--exit-on-error', '-d', 'restored', $dump ],
	'pg_restore into a new database');
my $bindings = q{SELECT layout, datacenter_id, machine_id, origin, subscription, first_table,
	first_seen FROM flakeid_guard_binding ORDER BY 1, 2, 3};
is($hub->safe_psql('restored', $bindings),
	$hub->safe_psql('postgres', $bindings), 'the restored database has the same bindings');
is( $hub->safe_psql(
		'restored', q{SELECT tgenabled FROM pg_trigger WHERE tgname = 'flakeid_guard'}),
	'A', 'and its guard trigger, ENABLE ALWAYS');

$hub->stop;
$standby->stop;
done_testing();
