# A bulk call does not take the generator from the other sessions: two pgbench clients
# insert rows through DEFAULT flakeid_next() under twitter, alone and then while an
# ordinary role runs flakeid_next_ids(100000000) flat out on the same layout. The clients
# must keep at least half of their transactions a second and no more than three times
# their average latency (a functional bound, not a speed target: without fair shares they
# keep 3 to 20 %). Both rates are measured in this run, in rounds of a run alone and a
# run beside the bulk call, and the medians of the rounds' ratios are compared: load the
# machine carries from elsewhere falls on both, and a burst of it on one round only.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest qw(start_node);

my $clients = 2;
my $seconds = 2;    # per pgbench run
my $rounds = 5;     # of a run alone and a run beside the bulk call; medians are compared
my $bulk = 100_000_000;

my $node = start_node('fair_share', conf => "autovacuum = off\n");

$node->safe_psql(
	'postgres', q{
	ALTER DATABASE postgres SET flakeid.layout = 'twitter';
	CREATE ROLE bulk_loader LOGIN;
});
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	CREATE TABLE t (id bigint PRIMARY KEY DEFAULT flakeid_next(), at timestamptz DEFAULT now());
});
my $script = PostgreSQL::Test::Utils::tempdir() . '/insert.sql';
PostgreSQL::Test::Utils::append_to_file($script, "INSERT INTO t DEFAULT VALUES;\n");

# Runs the pgbench clients for $seconds: (transactions a second, average latency in ms).
sub pgbench_rates
{
	my ($label) = @_;
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run(
		[
			'pgbench', '-n', '-f', $script, '-c', $clients, '-j', $clients,
			'-T', $seconds, '-h', $node->host, '-p', $node->port, 'postgres'
		],
		'>', \$out, '2>', \$err);
	ok($ok, "pgbench $label exits with status 0") or diag($out . $err);
	my ($tps) = $out =~ /^tps = ([\d.]+)/m;
	my ($latency) = $out =~ /^latency average = ([\d.]+) ms/m;
	return ($tps // 0, $latency // 1e9);
}

# The bulk call of the ordinary role, in the background: (harness, stdout, stderr).
sub start_bulk
{
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-h', $node->host, '-p', $node->port,
			'-U', 'bulk_loader', '-d', 'postgres', '-c',
			"SELECT count(*) FROM (SELECT flakeid_next_ids($bulk)) s"
		],
		'>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	$node->poll_query_until(
		'postgres', qq{
		SELECT count(*) = 1 FROM pg_stat_activity
		WHERE usename = 'bulk_loader' AND state = 'active'
		  AND query LIKE '%flakeid_next_ids($bulk)%'})
	  or die 'the bulk call did not start';
	sleep 0.3;    # well into it
	return ($h, \$out, \$err);
}

# IDs the server has handed out so far on the twitter state.
sub ids_issued
{
	return $node->safe_psql('postgres',
		q{SELECT ids_issued FROM flakeid_status() WHERE layout = 'twitter'});
}

# Median of a list of numbers.
sub median
{
	my @sorted = sort { $a <=> $b } @_;
	return $sorted[ $#sorted / 2 ];
}

pgbench_rates('warm-up');
my (@tps_ratio, @latency_ratio, @bulk_share);
for my $round (1 .. $rounds)
{
	my ($tps_alone, $latency_alone) = pgbench_rates("alone, round $round");
	my ($h, $bulk_out, $bulk_err) = start_bulk();
	my ($issued0, $t0) = (ids_issued(), time);
	my ($tps_shared, $latency_shared) = pgbench_rates("beside the bulk call, round $round");
	my ($issued1, $t1) = (ids_issued(), time);
	my $bulk_running = $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM pg_stat_activity
		WHERE usename = 'bulk_loader' AND state = 'active'});
	$node->safe_psql('postgres',
		q{SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE usename = 'bulk_loader'});
	$h->finish;
	is($bulk_running, 1, "round $round: the bulk call still ran when pgbench ended");
	like($$bulk_err, qr/canceling statement due to user request/,
		"round $round: the bulk call ran until it was cancelled");
	my $ids_per_sec = ($issued1 - $issued0) / ($t1 - $t0);
	push @tps_ratio, $tps_shared / $tps_alone;
	push @latency_ratio, $latency_shared / $latency_alone;
	push @bulk_share, $ids_per_sec / 4_096_000;
	note sprintf(
		'round %d: %d clients alone %.0f tps, %.3f ms; beside the bulk call %.0f tps '
		  . '(%.0f %%), %.3f ms (%.2f x); all IDs meanwhile %.0f a second (%.0f %% of the '
		  . 'ceiling)',
		$round, $clients, $tps_alone, $latency_alone, $tps_shared,
		100 * $tps_ratio[-1], $latency_shared, $latency_ratio[-1],
		$ids_per_sec, 100 * $bulk_share[-1]);
}
my ($tps_kept, $latency_grew) = (median(@tps_ratio), median(@latency_ratio));
note sprintf('median of %d rounds: the clients keep %.0f %% of their transactions a second; '
	  . 'their average latency is %.2f x', $rounds, 100 * $tps_kept, $latency_grew);
cmp_ok($tps_kept, '>=', 0.5,
	'beside a bulk call the clients keep at least half of their transactions a second');
cmp_ok($latency_grew, '<=', 3,
	'and their average latency stays under three times what it is alone');

is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) - count(DISTINCT id) FROM t}),
	0,
	'no ID repeats');

$node->stop;
done_testing();
