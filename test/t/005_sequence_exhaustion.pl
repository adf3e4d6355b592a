# When a millisecond's sequence is used up, flakeid waits for the next millisecond: IDs
# never run ahead of the clock, never repeat across databases, the wait holds no lock
# (other backends keep getting IDs), and statement_timeout interrupts it.
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

my $clients = 2;         # pgbench clients per database
my $transactions = 100;  # per client
my $batch = 10;          # IDs per flakeid_next_ids call, more than a millisecond holds
my $per_database = $clients * $transactions * (1 + $batch);
my @databases = ('db1', 'db2');

my $node = PostgreSQL::Test::Cluster->new('exhaustion');
$node->init;
$node->append_conf('postgresql.conf', 'log_statement = none');
$node->start;

# 2 sequence bits: 4 IDs per millisecond, so nearly every call waits.
for my $db (@databases)
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql('postgres',
		"ALTER DATABASE $db SET flakeid.layout = '61,0,0,2'");
	$node->safe_psql(
		$db, q{
		CREATE EXTENSION flakeid;
		-- at is evaluated after id (column order): the clock once the ID was made.
		CREATE TABLE t (
			id bigint PRIMARY KEY DEFAULT flakeid_next(),
			at timestamptz NOT NULL DEFAULT clock_timestamp(),
			pid int NOT NULL DEFAULT pg_backend_pid(),
			seq bigserial NOT NULL);
	});
}

my $script = pgbench_insert_script($batch);
my $started = time;
my %run = start_pgbench($node, $script, $clients, $transactions, @databases);
for my $db (@databases)
{
	my $ok = $run{$db}{harness}->finish;
	ok($ok, "pgbench on $db exits with status 0")
	  or diag(${ $run{$db}{out} } . ${ $run{$db}{err} });
}
my $elapsed = time - $started;
my (%seen, %last, $duplicates, $not_increasing, %ms);
for my $db (@databases)
{
	my @rows = split /\n/,
	  $node->safe_psql($db, 'SELECT pid, id FROM t ORDER BY pid, seq');
	is(scalar @rows, $per_database, "$db holds $per_database IDs");
	for (@rows)
	{
		my ($pid, $id) = split /\|/;
		$duplicates++ if $seen{$id}++;
		$not_increasing++ if exists $last{"$db $pid"} && $id <= $last{"$db $pid"};
		$last{"$db $pid"} = $id;
		$ms{ $id >> 2 }++;
	}
	is( $node->safe_psql(
			$db,
			'SELECT count(*) FROM t, flakeid_decode(id) d WHERE d.generated_at > t.at'),
		0,
		"no ID of $db is ahead of the clock");
}
my $fullest = (sort { $b <=> $a } values %ms)[0];
note sprintf(
	'4 IDs/ms: %d IDs in %d distinct milliseconds over %.2f s, %d duplicates',
	scalar keys %seen, scalar keys %ms, $elapsed, $duplicates // 0);
is($duplicates // 0, 0, 'no ID appears twice across db1 and db2');
is($not_increasing // 0, 0, "each connection's IDs strictly increase");
is($fullest, 4, 'a millisecond holds at most 4 IDs, and some are full');
cmp_ok($elapsed, '>=', 2 * $per_database / 4 / 1000,
	'the run took at least as long as the sequence allows');

# No sequence bits: 1 ID per millisecond, and the ID is the millisecond.
$node->safe_psql('postgres', 'CREATE DATABASE slow');
$node->safe_psql('postgres',
	"ALTER DATABASE slow SET flakeid.layout = '63,0,0,0'");
$node->safe_psql('slow', 'CREATE EXTENSION flakeid');

# statement_timeout interrupts a long wait, and the session goes on.
my $t0 = time;
my ($ret, $out, $err) = $node->psql(
	'slow', q{
	SET statement_timeout = '300ms';
	SELECT count(*) FROM flakeid_next_ids(1000000);
	RESET statement_timeout;
	SELECT flakeid_next() > 0;},
	on_error_stop => 0);
my $took = time - $t0;
like($err, qr/canceling statement due to statement timeout/,
	'statement_timeout cancels flakeid_next_ids(1000000)');
cmp_ok($took, '<', 10, sprintf('and promptly (%.2f s)', $took));
is($out, 't', 'the session goes on to get an ID');

# A long flakeid_next_ids in one backend holds no lock: another backend on another
# database with the same layout gets its IDs meanwhile, interleaved with the first's.
# The other database is made first: on a loaded machine that alone can outlast the call.
$node->safe_psql('postgres', 'CREATE DATABASE slow2');
$node->safe_psql('postgres',
	"ALTER DATABASE slow2 SET flakeid.layout = '63,0,0,0'");
$node->safe_psql('slow2', 'CREATE EXTENSION flakeid');
my $long = 3000;
my ($long_out, $long_err) = ('', '');
my $long_run = IPC::Run::start(
	[
		'psql', '-X', '-A', '-t', '-h', $node->host, '-p', $node->port,
		'-d', 'slow', '-c', "SELECT id FROM flakeid_next_ids($long) AS i(id)"
	],
	'>', \$long_out, '2>', \$long_err,
	IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
$node->poll_query_until('postgres',
	qq{SELECT count(*) = 1 FROM pg_stat_activity
	   WHERE datname = 'slow' AND state = 'active'
	     AND query LIKE '%flakeid_next_ids($long)%'})
  or die 'the long call did not start';
sleep 0.5;    # well into the long call, which takes at least 3 s
$t0 = time;
my @short = split /\n/,
  $node->safe_psql('slow2', 'SELECT id FROM flakeid_next_ids(100) AS i(id)');
$took = time - $t0;
is( $node->safe_psql(
		'postgres', qq{
		SELECT count(*) FROM pg_stat_activity
		WHERE datname = 'slow' AND state = 'active'
		  AND query LIKE '%flakeid_next_ids($long)%'}),
	1,
	sprintf('100 IDs in another backend took %.2f s, while the long call still ran',
		$took));
$long_run->finish;
my @long_ids = split /\n/, $long_out;
is(scalar @long_ids, $long, "the long call returned $long IDs") or diag($long_err);
my %long_seen = map { $_ => 1 } @long_ids;
my $both = grep { $long_seen{$_} } @short;
my ($low, $high) = (sort { $a <=> $b } @long_ids)[ 0, -1 ];
my $inside = grep { $_ > $low && $_ < $high } @short;
note "short call: 100 IDs, $inside of them between the long call's first and last, "
  . "$both shared";
is($both, 0, 'no ID of the short call repeats one of the long call');
is($inside, 100, "the short call's IDs interleave with the long call's");

$node->stop;
done_testing();
