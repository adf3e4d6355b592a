# The order of one backend's IDs, as the README promises it: every ID a backend reserves
# is above every ID it reserved before. flakeid_next() reserves when it is called;
# flakeid_next_ids() reserves a millisecond's share at a time as its rows are produced,
# and a set-returning function in FROM is run to its end at the first fetch; every ID of
# one call carries the settings in force when the call started. So
# (a) a cursor over flakeid_next_ids() in FROM returns IDs reserved at its first fetch:
#     each flakeid_next() between fetches is above all of them, and the fetches after it
#     come out below it;
# (b) flakeid_next_ids(3) beside flakeid_next() in one select list: the batch is reserved
#     at the first row, each flakeid_next() after it;
# (c) a node id changed by a reload within a millisecond never makes the next ID lower
#     than the last: flakeid waits for the next millisecond when the node bits change. The
#     test runs it under the logical clock policy with the clock a minute behind
#     (libfaketime), where IDs advance by count alone and every reload falls inside a
#     millisecond's IDs (4096 of them under twitter, 100 a statement);
# (d) a batch read through a cursor across such a reload keeps the node id it started
#     with, and its IDs still increase.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

require_libfaketime();

my $reloads = 60;

set_clock('+0');
my $node = start_node('backend_order', conf => "flakeid.machine_id = 5\n", faked => 1);
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	ALTER DATABASE postgres SET flakeid.layout = 'twitter';
	CREATE TABLE ids (seq bigserial PRIMARY KEY, id bigint NOT NULL, source text NOT NULL);
});

# Counts of IDs not above the one read before, in the order read, per source ('' for all).
sub inversions
{
	my ($source) = @_;
	my $filter = $source ? "WHERE source = '$source'" : '';
	return $node->safe_psql(
		'postgres', qq{
		SELECT count(*) FILTER (WHERE id <= prev)
		FROM (SELECT id, lag(id) OVER (ORDER BY seq) AS prev FROM ids $filter) s});
}

# (a) A cursor over flakeid_next_ids() in FROM, fetches between flakeid_next() calls.
$node->safe_psql(
	'postgres', q{
	BEGIN;
	DECLARE c CURSOR FOR SELECT id FROM flakeid_next_ids(100000) AS id;
	DO $$
	DECLARE
	  r refcursor := 'c';
	  v bigint;
	BEGIN
	  FOR i IN 1..20 LOOP
	    FETCH r INTO v;
	    INSERT INTO ids (id, source) VALUES (v, 'cursor');
	    INSERT INTO ids (id, source) VALUES (flakeid_next(), 'next');
	  END LOOP;
	END $$;
	COMMIT;});
is(inversions('cursor'), 0, '(a) the cursor returns increasing IDs');
is(inversions('next'), 0, '(a) flakeid_next() returns increasing IDs');
is( $node->safe_psql(
		'postgres', q{
		SELECT min(id) FILTER (WHERE source = 'next') >
		       max(id) FILTER (WHERE source = 'cursor') FROM ids}),
	't',
	'(a) each flakeid_next() is above every ID the cursor reserved at its first fetch');
my $read_order = inversions('');
note "(a) in the order read, $read_order IDs are not above the one read before";
cmp_ok($read_order, '>', 0,
	'(a) in the order read, the fetches after a flakeid_next() come out below it (documented)');

# (b) flakeid_next_ids(3) beside flakeid_next() in one select list.
my @rows = split /\n/,
  $node->safe_psql('postgres', 'SELECT a, b FROM (SELECT flakeid_next_ids(3) a, flakeid_next() b) s');
my @a = map { (split /\|/)[0] } @rows;
my @b = map { (split /\|/)[1] } @rows;
note "(b) a: @a; b: @b";
is(scalar @rows, 3, '(b) three rows');
ok($a[0] < $a[1] && $a[1] < $a[2], '(b) the batch increases');
ok($b[0] < $b[1] && $b[1] < $b[2], '(b) flakeid_next() increases');
ok($b[0] > $a[2], '(b) each flakeid_next() is above the batch, reserved at the first row');

# (c) Reloads of flakeid.machine_id between 5 and 3 while a session makes IDs, under the
# logical policy (the server's, lead 2 h) with the clock a minute behind.
$node->safe_psql('postgres', 'TRUNCATE ids');
set_clock_policy($node, 'logical', '2h');
my $script = "SELECT flakeid_next();\n";
for my $i (1 .. $reloads)
{
	my $machine = $i % 2 ? 3 : 5;
	$script .= "INSERT INTO ids (id, source) SELECT flakeid_next(), 'machine '"
	  . " || current_setting('flakeid.machine_id') FROM generate_series(1, 100);\n"
	  . "ALTER SYSTEM SET flakeid.machine_id = $machine;\n"
	  . "SELECT pg_reload_conf();\nSELECT pg_sleep(0.05);\n";
}
set_clock('-60');
$node->safe_psql('postgres', $script);
my ($count, $machines, $ms, $decreases) = split /\|/,
  $node->safe_psql(
	'postgres', q{
	SELECT count(*), count(DISTINCT (flakeid_decode(id)).machine_id),
	       count(DISTINCT (flakeid_decode(id)).timestamp_ms),
	       count(*) FILTER (WHERE id <= prev)
	FROM (SELECT id, lag(id) OVER (ORDER BY seq) AS prev FROM ids) s});
note "(c) $count IDs over $reloads reloads, $machines machine ids, $ms distinct ms, "
  . "$decreases not above the one before";
is($machines, 2, '(c) the IDs carry both machine ids');
cmp_ok($ms, '<=', $reloads + 1, '(c) a reload costs at most the rest of a millisecond');
is($decreases, 0, '(c) no ID is lower than the one the backend made before it');
is( $node->safe_psql(
		'postgres',
		q{SELECT count(*) FROM ids WHERE source <> 'machine ' || (flakeid_decode(id)).machine_id}),
	0,
	'(c) every ID carries the machine id in force when it was made');

# (d) A batch read through a cursor (select-list form, reserved as it is read) across a
# reload: it keeps machine 5, and its IDs increase; flakeid_next() after the reload
# carries machine 3.
$node->safe_psql('postgres',
	'ALTER SYSTEM SET flakeid.machine_id = 5; SELECT pg_reload_conf(); SELECT pg_sleep(0.1)');
my $bg = $node->background_psql('postgres');
$bg->query_safe('BEGIN; DECLARE d CURSOR FOR SELECT flakeid_next_ids(10000)');
my $first = $bg->query_safe('FETCH 5000 FROM d');
$node->safe_psql('postgres',
	'ALTER SYSTEM SET flakeid.machine_id = 3; SELECT pg_reload_conf(); SELECT pg_sleep(0.1)');
my $next = $bg->query_safe('SELECT flakeid_next()');
my $rest = $bg->query_safe('FETCH ALL FROM d');
$bg->query_safe('COMMIT');
$bg->quit;
my @batch = (split(/\n/, $first), split(/\n/, $rest));
my $batch_list = join ',', @batch;
my ($batch_machines, $batch_ok) = split /\|/,
  $node->safe_psql(
	'postgres', qq{
	SELECT string_agg(DISTINCT (flakeid_decode(id)).machine_id::text, ','),
	       bool_and(id > prev) FILTER (WHERE prev IS NOT NULL)
	FROM (SELECT id, lag(id) OVER (ORDER BY o) AS prev
	      FROM unnest(ARRAY[$batch_list]::bigint[]) WITH ORDINALITY AS u(id, o)) s});
is(scalar @batch, 10000, '(d) the cursor returned the whole batch');
is($batch_machines, '5', '(d) the batch keeps the machine id it started with');
is($batch_ok, 't', '(d) and its IDs increase');
is($node->safe_psql('postgres', "SELECT (flakeid_decode($next)).machine_id"),
	'3', '(d) flakeid_next() after the reload carries the new machine id');

set_clock('+0');
$node->stop;
done_testing();
