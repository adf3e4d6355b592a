# No restart needed: on a running server that does not preload flakeid, CREATE EXTENSION
# gives working IDs at once; settings changed with ALTER SYSTEM and pg_reload_conf() are
# in force for the next IDs; DROP EXTENSION and CREATE EXTENSION again keep the shared
# state, so IDs go on increasing.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $node = PostgreSQL::Test::Cluster->new('no_restart');
$node->init;
$node->start;
my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

is($node->safe_psql('postgres', 'SHOW shared_preload_libraries'),
	'', 'flakeid is not preloaded');

# CREATE EXTENSION, and IDs in the same session and in new ones.
my ($first, $second) = split /\n/,
  $node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	SELECT flakeid_next();
	SELECT flakeid_next();});
ok($first > 0, "flakeid_next() works right after CREATE EXTENSION: $first");
is($node->safe_psql('postgres', "SELECT $second > $first"),
	't', 'the next ID of the session is larger');
is( $node->safe_psql(
		'postgres', qq{
		SELECT d.datacenter_id, d.machine_id, f.id > $second,
		       abs(extract(epoch FROM clock_timestamp() - d.generated_at)) < 1
		FROM flakeid_next() AS f(id), flakeid_decode(f.id) d}),
	'0|0|t|t',
	'a new session gets a larger ID, minimal layout, made within a second');

# Settings through ALTER SYSTEM and a reload. The session has the library loaded (it
# calls flakeid_next() first) so that ALTER SYSTEM knows the settings and checks them.
my ($ret, $out, $err) = $node->psql(
	'postgres', q{
	SELECT flakeid_next() > 0;
	ALTER SYSTEM SET flakeid.layout = 'bogus';});
like(
	$err,
	qr/invalid value for parameter "flakeid.layout": "bogus".*HINT:  Use a preset/s,
	'ALTER SYSTEM refuses an unknown layout and says what is accepted');
($ret, $out, $err) = $node->psql(
	'postgres', q{
	SELECT flakeid_next() > 0;
	ALTER SYSTEM SET flakeid.layout = '41,5,5,13';});
like(
	$err,
	qr/invalid value for parameter "flakeid.layout": "41,5,5,13"/,
	'ALTER SYSTEM refuses widths that do not add up to 63');
$node->safe_psql(
	'postgres', q{
	SELECT flakeid_next();
	ALTER SYSTEM SET flakeid.layout = 'twitter';
	ALTER SYSTEM SET flakeid.datacenter_id = 1;
	ALTER SYSTEM SET flakeid.machine_id = 7;
	SELECT pg_reload_conf();});
$node->poll_query_until('postgres',
	q{SELECT current_setting('flakeid.machine_id', true) = '7'})
  or die 'timed out waiting for the reload';

my $decode_new_id = q{
	SELECT d.datacenter_id, d.machine_id, (d.raw >> 17) & 31, (d.raw >> 12) & 31,
	       abs(extract(epoch FROM clock_timestamp() - d.generated_at)) < 1
	FROM flakeid_decode(flakeid_next()) d};
is($node->safe_psql('postgres', $decode_new_id),
	'1|7|1|7|t',
	'after ALTER SYSTEM and pg_reload_conf(): datacenter 1, machine 7, made within a second'
);
is( $node->safe_psql(
		'postgres', 'SELECT layout, nodes FROM flakeid_capacity()'),
	'twitter|1024',
	'flakeid_capacity() reports the twitter layout');

# A node id too wide for the layout is refused when an ID is asked for.
$node->safe_psql(
	'postgres', q{
	SELECT flakeid_next();
	ALTER SYSTEM SET flakeid.machine_id = 99;
	SELECT pg_reload_conf();});
$node->poll_query_until('postgres',
	q{SELECT current_setting('flakeid.machine_id', true) = '99'})
  or die 'timed out waiting for the reload';
($ret, $out, $err) =
  $node->psql('postgres', "\\set VERBOSITY verbose\nSELECT flakeid_next();");
like(
	$err,
	qr/ERROR:  FL005: flakeid machine id 99 does not fit the layout's 5-bit machine field/,
	'machine id 99 in the twitter layout: FL005, no truncation');
is($out, '', 'no ID is returned');
$node->safe_psql(
	'postgres', q{
	LOAD 'flakeid';
	ALTER SYSTEM SET flakeid.machine_id = 7;
	SELECT pg_reload_conf();});
$node->poll_query_until('postgres',
	q{SELECT current_setting('flakeid.machine_id', true) = '7'})
  or die 'timed out waiting for the reload';
is($node->safe_psql('postgres', $decode_new_id),
	'1|7|1|7|t', 'machine id 7 again after ALTER SYSTEM');

# DROP EXTENSION and CREATE EXTENSION again, in one session and then in a new one: the
# shared state is the same allocation, and IDs go on increasing.
my $shmem_query =
  q{SELECT count(*), min(off), min(size) FROM pg_shmem_allocations WHERE name = 'flakeid state table'};
my $shmem_before = $node->safe_psql('postgres', $shmem_query);
my ($last, $recreated) = split /\n/,
  $node->safe_psql(
	'postgres', q{
	SELECT max(id) FROM flakeid_next_ids(1000) AS i(id);
	DROP EXTENSION flakeid;
	CREATE EXTENSION flakeid;
	SELECT min(id) FROM flakeid_next_ids(1000) AS i(id);});
note "last ID before DROP EXTENSION $last, first after CREATE EXTENSION $recreated";
is($node->safe_psql('postgres', "SELECT $recreated > $last"),
	't', 'IDs after DROP and CREATE EXTENSION are larger (same session)');
my $new_session = $node->safe_psql('postgres', 'SELECT flakeid_next()');
is($node->safe_psql('postgres', "SELECT $new_session > $recreated"),
	't', 'and larger again in a new session');
is(state_table_path($node, 'postgres'),
	expected_state_table_path($node),
	'the state table lives in shared memory: ' . expected_state_table_path($node));
SKIP:
{
	# From 17 the table is a DSM registry segment, which no view of the server lists.
	skip 'no view shows where a DSM registry segment lies', 2
	  if expected_state_table_path($node) ne 'main segment';
	is($node->safe_psql('postgres', $shmem_query),
		$shmem_before, 'the shared state is the same allocation as before');
	like($shmem_before, qr/^1\|/, 'one flakeid state table in shared memory');
}

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'),
	$started, 'the server never restarted');

$node->stop;
done_testing();
