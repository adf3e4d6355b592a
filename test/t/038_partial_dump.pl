# A dump of some tables carries no mark (attack20 H3): `pg_dump -t t` leaves out the
# extension's configuration sequence flakeid_high_water, so pg_restore brings the keys and
# no mark, and no floor covers them, whoever looks. This test holds what the README says
# of it: the keys come from a server whose clock runs 30 s ahead (libfaketime); after the
# restore into database r2, database b (same layout) makes IDs at or below them;
# flakeid_resume_above(max(id)) refuses them (FL015: they are not below the first key of
# now); the README's remedy, setting r2's mark above the restored keys (never below its
# value) and a session of r2 looking, makes every later ID of b lie above them (refused,
# FL001, while the clock is behind them), also after a crash.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

require_libfaketime();

my $dir = PostgreSQL::Test::Utils::tempdir();

my $source = PostgreSQL::Test::Cluster->new('partial_source');
$source->init;
set_clock('+30');
start_faked($source);
$source->safe_psql('postgres', 'CREATE DATABASE r');
$source->safe_psql('r',
	'CREATE EXTENSION flakeid; CREATE TABLE t (id bigint PRIMARY KEY DEFAULT flakeid_next(), ph text)'
);
$source->safe_psql('r', "INSERT INTO t (ph) SELECT 'r' FROM generate_series(1, 1000)") for 1 .. 5;
$source->command_ok([ 'pg_dump', '-Fc', '-t', 't', '-f', "$dir/t.dump", '-d', 'r' ],
	'pg_dump -t t');
$source->stop;
my ($list) = run_command([ 'pg_restore', '-l', "$dir/t.dump" ]);
unlike($list, qr/flakeid_high_water/, 'the dump of one table carries no mark');

my $node = PostgreSQL::Test::Cluster->new('partial_target');
$node->init;
$node->start;
for my $db ('b', 'r2')
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, 'CREATE EXTENSION flakeid');
}
$node->safe_psql('b', 'CREATE TABLE t (id bigint PRIMARY KEY, ph text)');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', 'r2', "$dir/t.dump" ],
	'pg_restore of t into r2');
my $max = $node->safe_psql('r2', 'SELECT max(id) FROM t');

# Without the remedy: nothing was learnt.
my ($kind, $state) = try_sql($node, 'r2', 'SELECT flakeid_next()');
is($kind, 'ok', 'a session of r2 looks: it makes an ID, nothing tells it of the restored keys');
($kind) = try_sql($node, 'b', "INSERT INTO t SELECT flakeid_next_ids(1000), 'unknown'");
is($kind, 'ok', 'b makes IDs');
is($node->safe_psql('b', "SELECT count(*) FROM t WHERE id <= $max"),
	1000, 'every one at or below the restored keys (the README says so: no mark came)');
$node->safe_psql('b', 'TRUNCATE t');

($kind, $state) = try_sql($node, 'r2', 'SELECT flakeid_resume_above(max(id)) FROM t');
is($state, 'FL015', 'flakeid_resume_above(max(id)) refuses keys ahead of the clock');

# The README's remedy after a partial restore.
$node->safe_psql('r2', q{
	SELECT setval('flakeid_high_water',
	              greatest((flakeid_decode(max(id))).timestamp_ms + 1,
	                       (SELECT last_value FROM flakeid_high_water)))
	FROM t});
($kind, $state) = try_sql($node, 'r2', 'SELECT flakeid_next()');
is($state, 'FL001', 'then a session of r2 looks: refused, the clock is behind the keys');

sub b_makes_ids
{
	my ($phase) = @_;
	my %outcomes;
	for (1 .. 5)
	{
		my ($k, $s) = try_sql($node, 'b', "INSERT INTO t SELECT flakeid_next_ids(1000), '$phase'");
		$outcomes{ $k eq 'ok' ? 'ok' : $s }++;
	}
	note "($phase) b: " . join(' ', map { "$_=$outcomes{$_}" } sort keys %outcomes);
	is($node->safe_psql('b', "SELECT count(*) FROM t WHERE id <= $max"),
		0, "($phase) no ID of b at or below the restored keys");
	is_deeply([ grep { $_ ne 'ok' && $_ ne 'FL001' } keys %outcomes ],
		[], "($phase) every refusal is FL001");
	return;
}
b_makes_ids('remedied');
$node->stop('immediate');
$node->start;
b_makes_ids('after a crash');

$node->stop;
done_testing();
