# Node-wide uniqueness under concurrency, without shared_preload_libraries: pgbench
# clients on two databases of one server, both with the twitter layout, take IDs at the
# same time as column DEFAULTs and in flakeid_next_ids batches. Across both databases no
# ID may repeat, and the IDs of each connection must strictly increase.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $clients = 8;         # pgbench clients per database
my $transactions = 2000; # per client
my $batch = 50;          # IDs per flakeid_next_ids call
my $per_connection = $transactions * (1 + $batch);
my $per_database = $clients * $per_connection;
my @databases = ('db1', 'db2');

my $node = PostgreSQL::Test::Cluster->new('concurrency');
$node->init;
# log_statement = all (set by init) would log every pgbench statement; the checks sort
# 1.6 million rows.
$node->append_conf(
	'postgresql.conf', q{
log_statement = none
max_connections = 40
work_mem = '256MB'
jit = off
});
$node->start;

is($node->safe_psql('postgres', 'SHOW shared_preload_libraries'),
	'', 'flakeid is not preloaded');

for my $db (@databases)
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql('postgres',
		"ALTER DATABASE $db SET flakeid.layout = 'twitter'");
	$node->safe_psql(
		$db, q{
		CREATE EXTENSION flakeid;
		-- pid and seq tell which connection made a row and in which order.
		CREATE TABLE t (
			id bigint PRIMARY KEY DEFAULT flakeid_next(),
			pid int NOT NULL DEFAULT pg_backend_pid(),
			seq bigserial NOT NULL);
	});
	is( $node->safe_psql(
			$db,
			q{SELECT current_setting('flakeid.layout'), layout FROM flakeid_capacity()}
		),
		'twitter|twitter',
		"$db sessions use the twitter layout");
}
my $run_start = $node->safe_psql('postgres', 'SELECT clock_timestamp()');

# Each transaction: one row with a DEFAULT id, then a batch from flakeid_next_ids.
my $script = PostgreSQL::Test::Utils::tempdir() . '/insert.sql';
PostgreSQL::Test::Utils::append_to_file(
	$script, qq{INSERT INTO t DEFAULT VALUES;
INSERT INTO t (id) SELECT flakeid_next_ids($batch);
});

# Start pgbench on both databases, then wait for both: they run at the same time.
my %run;
my $started = time;
for my $db (@databases)
{
	my ($out, $err) = ('', '');
	my @cmd = (
		'pgbench', '--no-vacuum',
		'--protocol=prepared', "--client=$clients",
		'--jobs=2', "--transactions=$transactions",
		"--file=$script", '--host=' . $node->host,
		'--port=' . $node->port, $db);
	note "starting: @cmd";
	my $harness = IPC::Run::start(\@cmd, '>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	$run{$db} = { harness => $harness, out => \$out, err => \$err };
}
for my $db (@databases)
{
	my $r = $run{$db};
	my $ok = $r->{harness}->finish;
	note "pgbench $db:\n${ $r->{out} }${ $r->{err} }";
	ok($ok, "pgbench on $db exits with status 0");
	my $total = $clients * $transactions;
	like(
		${ $r->{out} },
		qr/number of transactions actually processed: $total\/$total\n/,
		"pgbench on $db processed every transaction");
	like(
		${ $r->{out} },
		qr/number of failed transactions: 0 /,
		"pgbench on $db had no failed transaction");
}
note sprintf('both pgbench runs took %.1f s', time - $started);

# Every ID of both databases in one table of db1: (db, pid, seq, id), db 1 or 2.
$node->safe_psql('db1',
	'CREATE TABLE all_ids (db int NOT NULL, pid int NOT NULL, seq bigint NOT NULL, id bigint NOT NULL)'
);
$node->safe_psql('db1', 'INSERT INTO all_ids SELECT 1, pid, seq, id FROM t');
my $db2_rows = $node->safe_psql('db2',
	'COPY (SELECT 2, pid, seq, id FROM t) TO STDOUT');
$node->safe_psql('db1', "COPY all_ids FROM STDIN;\n$db2_rows\n\\.\n");
$node->safe_psql('db1', 'ANALYZE all_ids');

# The checks, on any relation with the columns of all_ids.
sub check_ids
{
	my ($relation) = @_;
	my %r;
	@r{qw(db1 db2)} = split /\|/,
	  $node->safe_psql('db1',
		"SELECT count(*) FILTER (WHERE db = 1), count(*) FILTER (WHERE db = 2) FROM $relation"
	  );
	# Sorting 1.6 million IDs is faster here than hashing them.
	@r{qw(distinct_ids duplicated_ids)} = split /\|/,
	  $node->safe_psql(
		'db1', qq{
		SET enable_hashagg = off;
		SELECT count(*), count(*) FILTER (WHERE n > 1)
		FROM (SELECT id, count(*) AS n FROM $relation GROUP BY id) g});
	# Connections, and how many of them made other than $per_connection IDs.
	@r{qw(connections miscounted_connections)} = split /\|/,
	  $node->safe_psql(
		'db1', qq{
		SELECT count(*), count(*) FILTER (WHERE n <> $per_connection)
		FROM (SELECT db, pid, count(*) AS n FROM $relation GROUP BY db, pid) c});
	# Rows whose ID is not above the one the same connection inserted before. The sort key
	# db|pid|seq packed into one bigint: rows of a connection in insertion order, and
	# one bigint sorts several times faster than three columns.
	$r{not_increasing} = $node->safe_psql(
		'db1', qq{
		SELECT count(*) FROM (
			SELECT id, key, lag(id) OVER w AS previous_id, lag(key) OVER w AS previous_key
			FROM (SELECT id, (db::bigint << 56) | (pid::bigint << 32) | seq AS key
			      FROM $relation) k
			WINDOW w AS (ORDER BY key)) s
		WHERE key >> 32 = previous_key >> 32 AND id <= previous_id});
	return \%r;
}

my $r = check_ids('all_ids');
note "IDs: @{[$r->{db1} + $r->{db2}]} in all ($r->{db1} from db1, $r->{db2} from db2), "
  . "$r->{distinct_ids} distinct, $r->{duplicated_ids} duplicated, "
  . "$r->{connections} connections, $r->{not_increasing} out of order";
is($r->{db1}, $per_database, "db1 holds $per_database IDs");
is($r->{db2}, $per_database, "db2 holds $per_database IDs");
is($r->{distinct_ids}, 2 * $per_database,
	'every ID of both databases is distinct');
is($r->{duplicated_ids}, 0, 'no ID appears twice across db1 and db2');
is($r->{connections}, 2 * $clients, 'the IDs came from 2 x 8 connections');
is($r->{miscounted_connections},
	0, "each connection made $per_connection IDs");
is($r->{not_increasing}, 0, "each connection's IDs strictly increase");

# The databases really competed: many milliseconds hold IDs of both (twitter: the
# timestamp is above bit 22).
my $shared_ms = $node->safe_psql(
	'db1', q{
	SELECT count(*) FROM (SELECT id >> 22 AS ms FROM all_ids GROUP BY ms
	                      HAVING min(db) <> max(db)) s});
note "milliseconds in which both databases got IDs: $shared_ms";
cmp_ok($shared_ms, '>', 0, 'both databases took IDs in the same milliseconds');

# Every ID is positive with node bits 0 (twitter: bits 21-12), and made during the run.
is( $node->safe_psql(
		'db1', q{
		SELECT count(*) FROM all_ids WHERE id <= 0 OR (id >> 12) & 1023 <> 0}),
	0,
	'every ID is positive and carries datacenter 0, machine 0');
is( $node->safe_psql(
		'db1', qq{
		SELECT (flakeid_decode(min(id))).generated_at >=
		         date_trunc('milliseconds', '$run_start'::timestamptz),
		       (flakeid_decode(max(id))).generated_at <= clock_timestamp()
		FROM all_ids}),
	't|t',
	'every ID was made during the pgbench runs');

# One generator state for the whole server, in shared memory.
is( state_table_path($node, 'db2'),
	expected_state_table_path($node),
	'the generator state lives in shared memory: '
	  . expected_state_table_path($node));

# The checks can fail. On the rows of one connection per database, plus the first ID of
# the db2 connection appended to the db1 connection: that ID is both a duplicate and a
# step back.
$node->safe_psql(
	'db1', q{
	CREATE VIEW planted AS
	WITH pick AS (SELECT db, min(pid) AS pid FROM all_ids GROUP BY db)
	SELECT a.* FROM all_ids a JOIN pick USING (db, pid)
	UNION ALL
	(SELECT 1, (SELECT pid FROM pick WHERE db = 1), 1000000000, id
	 FROM all_ids WHERE (db, pid) IN (SELECT db, pid FROM pick WHERE db = 2)
	 ORDER BY seq LIMIT 1)});
my $p = check_ids('planted');
is($p->{duplicated_ids}, 1, 'the duplicate check finds a planted duplicate');
is($p->{not_increasing}, 1, 'the order check finds a planted step back');

$node->stop;
done_testing();
