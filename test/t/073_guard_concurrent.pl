# The replication guard when two writers of different origins bind one node at the same
# time (two apply workers, here two sessions with a replication origin each). The second
# waits on the binding table's primary key for the first; when the first commits, the
# second is refused (FL013) with the first's origin, never binding the node twice; when
# the first rolls back, the second binds the node to its own origin.
use strict;
use warnings FATAL => 'all';

use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = start_node('guard_concurrent', conf => twitter_node_conf(0, 9));
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	CREATE TABLE events (id bigint PRIMARY KEY, origin text);
	SELECT flakeid_guard('events');
	SELECT pg_replication_origin_create('origin_a'), pg_replication_origin_create('origin_b');});

# A key of node 1/machine under twitter, sequence seq.
sub key { my ($machine, $seq) = @_; return (1000 << 22) | (1 << 17) | ($machine << 12) | $seq; }

for my $end ('COMMIT', 'ROLLBACK')
{
	my $machine = $end eq 'COMMIT' ? 2 : 3;
	# a binds the node and holds its transaction open until b waits on it.
	my $sa = start_session(
		$node, 'postgres', qq{
		SELECT pg_replication_origin_session_setup('origin_a');
		BEGIN;
		INSERT INTO events VALUES (@{[ key($machine, 1) ]}, 'a');
		DO \$\$ BEGIN
		  FOR i IN 1 .. 600 LOOP
		    PERFORM pg_stat_clear_snapshot();
		    EXIT WHEN EXISTS (SELECT FROM pg_stat_activity
		                      WHERE wait_event_type = 'Lock' AND query LIKE '%origin_b%');
		    PERFORM pg_sleep(0.1);
		  END LOOP;
		END \$\$;
		SELECT 1 FROM pg_stat_activity
		  WHERE wait_event_type = 'Lock' AND query LIKE '%origin_b%';
		$end;});
	$node->poll_query_until(
		'postgres', qq{
		SELECT count(*) = 1 FROM pg_stat_activity
		WHERE query LIKE '%origin_a%' AND wait_event = 'PgSleep'})
	  or die 'session a did not start';
	my $sb = start_session(
		$node, 'postgres', qq{
		SELECT pg_replication_origin_session_setup('origin_b');
		INSERT INTO events VALUES (@{[ key($machine, 2) ]}, 'b');});
	my ($a_ok, $a_err) = finish_session($sa);
	my ($b_ok, $b_err) = finish_session($sb);
	ok($a_ok, "a binds node 1/$machine and ends with $end") or diag $a_err;
	like($sa->{out}, qr/^1$/m, 'b was waiting on a lock while a held the binding');
	if ($end eq 'COMMIT')
	{
		ok(!$b_ok, 'b, writing the same node at the same time, is refused');
		like(
			$b_err,
			qr/FL013: flakeid guard: node \(datacenter 1, machine 2\) arrives from replication origin "origin_b" but is bound to replication origin "origin_a"/,
			'with FL013, naming a\'s origin as the binding');
	}
	else
	{
		ok($b_ok, 'a rolled back: b binds the node') or diag $b_err;
	}
	is( $node->safe_psql(
			'postgres', qq{
			SELECT string_agg(origin, ',') FROM flakeid_guard_bindings
			WHERE machine_id = $machine}),
		$end eq 'COMMIT' ? 'origin_a' : 'origin_b',
		"one binding of node 1/$machine, to the origin of the transaction that committed");
	is( $node->safe_psql(
			'postgres', qq{
			SELECT string_agg(origin, ',' ORDER BY origin) FROM events
			WHERE (id >> 12) & 31 = $machine}),
		$end eq 'COMMIT' ? 'a' : 'b',
		"only the rows of that origin landed");
}

$node->stop;
done_testing();
