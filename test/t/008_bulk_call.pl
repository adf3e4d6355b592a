# One flakeid_next_ids call makes all its IDs with the generator and state word it started
# with. Session A asks for a batch under minimal while set_config() in the same select list
# switches its layout to twitter after the first row; session B makes twitter IDs all the
# while. Every ID of A's statement is a minimal ID of the time it ran, and none is one of
# B's: A never wrote IDs under twitter that twitter's state word had not reserved for it.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('bulk_call');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	CREATE UNLOGGED TABLE a (id bigint);
	CREATE UNLOGGED TABLE b (id bigint);
	CREATE UNLOGGED TABLE span (who text, first_ms bigint, last_ms bigint);});

# The Unix ms of the server's clock, as SQL.
my $now_ms = q{(extract(epoch FROM clock_timestamp()) * 1000)::bigint};

# B: twitter IDs, one statement at a time, until A has finished (it sets a flag row).
my $b = $node->background_psql('postgres', on_error_stop => 1);
$b->query_until(
	qr/started/, qq{
	SET flakeid.layout = 'twitter';
	\\echo started
	DO \$\$
	DECLARE started bigint := $now_ms;
	BEGIN
	  LOOP
	    INSERT INTO b SELECT flakeid_next() FROM generate_series(1, 20000);
	    EXIT WHEN EXISTS (SELECT FROM span WHERE who = 'a') OR $now_ms - started > 60000;
	  END LOOP;
	  INSERT INTO span VALUES ('b', started, $now_ms);
	END
	\$\$;
});
# B's rows are not visible before it ends; its statement is.
$node->poll_query_until('postgres',
	q{SELECT count(*) = 1 FROM pg_stat_activity
	  WHERE state = 'active' AND query LIKE '%INSERT INTO b%' AND pid <> pg_backend_pid()})
  or die 'session B did not start';

# A: the batch, with the layout switched during the statement.
$node->safe_psql(
	'postgres', qq{
	SET flakeid.layout = 'minimal';
	CREATE TEMP TABLE t0 AS SELECT $now_ms AS ms;
	INSERT INTO a SELECT id FROM (
	  SELECT flakeid_next_ids(200000) AS id,
	         set_config('flakeid.layout', 'twitter', false) AS layout) AS s;
	INSERT INTO span SELECT 'a', ms, $now_ms FROM t0;});
$b->quit;
$node->poll_query_until('postgres', q{SELECT count(*) = 2 FROM span})
  or die 'session B did not finish';

my ($a_first, $a_last, $b_first, $b_last) = split /\|/,
  $node->safe_psql('postgres',
	q{SELECT a.first_ms, a.last_ms, b.first_ms, b.last_ms
	  FROM span a, span b WHERE a.who = 'a' AND b.who = 'b'});
cmp_ok($b_first, '<=', $a_first, 'B was making twitter IDs when A started');
cmp_ok($b_last, '>=', $a_last, 'and still when A finished');

# minimal: timestamp = id >> 10; twitter: id >> 22; both in ms after 2020-01-01.
is( $node->safe_psql(
		'postgres',
		qq{SELECT count(*) FROM a
		   WHERE (id >> 10) + 1577836800000 BETWEEN $a_first AND $a_last}),
	200000,
	'all 200000 IDs of the batch are minimal IDs of the time it ran');
is($node->safe_psql('postgres', 'SELECT count(*) FROM a JOIN b USING (id)'),
	0, 'none of them is one of the twitter IDs B made meanwhile');
is( $node->safe_psql(
		'postgres',
		qq{SELECT count(*) = count(*) FILTER (
		     WHERE (id >> 22) + 1577836800000 BETWEEN $b_first AND $b_last) FROM b}),
	't',
	'B made twitter IDs of its own time');
note 'B made ' . $node->safe_psql('postgres', 'SELECT count(*) FROM b') . ' IDs';

$node->stop;
done_testing();
