# flakeid loaded through shared_preload_libraries, with its settings in postgresql.conf:
# the settings are in force for new IDs, two databases still share one generator, and
# after a restart the IDs go on above the ones made before it.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $clients = 3;          # pgbench clients per database
my $transactions = 300;   # per client
my $batch = 20;           # IDs per flakeid_next_ids call
my $per_database = $clients * $transactions * (1 + $batch);
my @databases = ('db1', 'db2');

# IDs of a list that repeat one before them.
sub count_duplicates
{
	my %seen;
	return scalar grep { $seen{$_}++ } @_;
}

# Rows of a connection whose ID is not above the one before; input "pid|id" lines in
# insertion order of each connection.
sub count_not_increasing
{
	my %last;
	my $bad = 0;
	for (@_)
	{
		my ($pid, $id) = split /\|/;
		$bad++ if exists $last{$pid} && $id <= $last{$pid};
		$last{$pid} = $id;
	}
	return $bad;
}

# The detectors themselves, on lists with known faults.
is(count_duplicates(5, 1, 2, 5, 3, 2, 5), 3, 'duplicate detector counts repeats');
is(count_duplicates(1 .. 1000), 0, 'duplicate detector passes distinct IDs');
is(count_not_increasing('1|5', '2|3', '1|6', '2|3', '1|4'),
	2, 'order detector counts steps back per connection');

my $node = PostgreSQL::Test::Cluster->new('preload');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'flakeid'
flakeid.layout = 'twitter'
flakeid.datacenter_id = 1
flakeid.machine_id = 7
log_statement = none
});
$node->start;

# Preloaded, the settings are real ones before any CREATE EXTENSION.
is( $node->safe_psql(
		'postgres',
		q{SELECT current_setting('flakeid.layout') || ' ' ||
		         current_setting('flakeid.datacenter_id') || ' ' ||
		         current_setting('flakeid.machine_id'),
		         (SELECT vartype FROM pg_settings WHERE name = 'flakeid.machine_id')}
	),
	'twitter 1 7|integer',
	'settings from postgresql.conf are defined by the preloaded library');

for my $db (@databases)
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	# db2 spells the same layout and epoch differently: it must share db1's generator.
	$node->safe_psql(
		'postgres', q{
		ALTER DATABASE db2 SET flakeid.layout = ' 41, 5,5 ,12 ';
		ALTER DATABASE db2 SET flakeid.epoch = '1577836800000';})
	  if $db eq 'db2';
	$node->safe_psql(
		$db, q{
		CREATE EXTENSION flakeid;
		CREATE TABLE t (
			id bigint PRIMARY KEY DEFAULT flakeid_next(),
			pid int NOT NULL DEFAULT pg_backend_pid(),
			seq bigserial NOT NULL);
	});
}

# A new ID carries datacenter 1 and machine 7 (twitter: bits 21-17 and 16-12) and the
# time it was made.
is( $node->safe_psql(
		'db1', q{
		SELECT d.datacenter_id, d.machine_id,
		       (d.raw >> 17) & 31, (d.raw >> 12) & 31,
		       abs(extract(epoch FROM clock_timestamp() - d.generated_at)) < 1
		FROM flakeid_decode(flakeid_next()) d}),
	'1|7|1|7|t',
	'a new ID decodes to datacenter 1, machine 7, made within a second');
is( $node->safe_psql(
		'db2', q{
		SELECT count(*) FROM flakeid_next_ids(100) AS i(id), flakeid_decode(i.id) d
		WHERE d.datacenter_id = 1 AND d.machine_id = 7}),
	100,
	'flakeid_next_ids carries the same node ids');
is( state_table_path($node, 'db2'),
	expected_state_table_path($node),
	'the generator state lives in shared memory: '
	  . expected_state_table_path($node));

# A few clients on both databases at the same time.
my $script = pgbench_insert_script($batch);
my %run = start_pgbench($node, $script, $clients, $transactions, @databases);
my (@all_ids, %rows);
for my $db (@databases)
{
	my $ok = $run{$db}{harness}->finish;
	ok($ok, "pgbench on $db exits with status 0")
	  or diag(${ $run{$db}{out} } . ${ $run{$db}{err} });
	my @rows = split /\n/,
	  $node->safe_psql($db, 'SELECT pid, id FROM t ORDER BY pid, seq');
	$rows{$db} = \@rows;
	push @all_ids, map { (split /\|/)[1] } @rows;
}
is(scalar @{ $rows{db1} }, $per_database, "db1 holds $per_database IDs");
is(scalar @{ $rows{db2} }, $per_database, "db2 holds $per_database IDs");
is( $node->safe_psql(
		'db2',
		q{SELECT layout, epoch = '2020-01-01 00:00:00+00' FROM flakeid_capacity()}),
	'twitter|t',
	'db2 uses the twitter layout and the default epoch, spelled differently');
my $duplicates = count_duplicates(@all_ids);
note "preloaded: "
  . scalar(@all_ids)
  . " IDs from both databases, $duplicates duplicates";
is($duplicates, 0, 'no ID appears twice across db1 and db2');
# Milliseconds (twitter: above bit 22) in which both databases got IDs.
my %ms_db1 = map { ((split /\|/)[1] >> 22) => 1 } @{ $rows{db1} };
my $shared_ms = grep { $ms_db1{ (split /\|/)[1] >> 22 } }
  @{ $rows{db2} };
note "preloaded: $shared_ms IDs of db2 share their millisecond with IDs of db1";
cmp_ok($shared_ms, '>', 0, 'both databases took IDs in the same milliseconds');
is(count_not_increasing(@{ $rows{$_} }), 0,
	"each connection's IDs strictly increase on $_")
  for @databases;
is( $node->safe_psql(
		'db1',
		q{SELECT count(*) FROM t WHERE (id >> 17) & 31 <> 1 OR (id >> 12) & 31 <> 7}),
	0,
	'every ID of the run carries datacenter 1, machine 7');

# Restart: the shared state starts afresh, but the clock has moved on.
my $max_before = $node->safe_psql('db1',
	'SELECT greatest((SELECT max(id) FROM t), flakeid_next())');
my $max_db2 = $node->safe_psql('db2', 'SELECT max(id) FROM t');
$max_before = $node->safe_psql('postgres', "SELECT greatest($max_before, $max_db2)");
$node->restart;
my ($after, $dc, $machine) = split /\|/,
  $node->safe_psql('db2',
	'SELECT d.raw, d.datacenter_id, d.machine_id FROM flakeid_decode(flakeid_next()) d');
note "last ID before the restart $max_before, first after $after";
is($node->safe_psql('postgres', "SELECT $after > $max_before"),
	't', 'after a restart, the first ID is above every ID made before');
is("$dc|$machine", '1|7', 'after a restart, the node ids are still 1 and 7');
is( $node->safe_psql(
		'db1',
		"SELECT count(*) FROM flakeid_next_ids(1000) AS i(id) WHERE id <= $after"),
	0,
	'IDs after the restart keep increasing across databases');

$node->stop;
done_testing();
