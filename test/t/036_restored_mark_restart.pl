# A mark learnt from a restore belongs to the node, across restarts and crashes (issue 20,
# item 2). A database is dumped from a server whose clock runs 8 s ahead (libfaketime) and
# restored into database r of a server on the real clock; a session of r looks (its first
# ID: refused, FL001, the restored IDs are ahead of the clock). Then the server restarts,
# or crashes, and database b, same layout, makes 5,000 IDs before any session of r: every
# one must lie above the restored keys (refused, FL001, until the clock has passed them).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

require_libfaketime();

my $dir = PostgreSQL::Test::Utils::tempdir();

# The source: its clock 8 s ahead (a restore and a look take a few seconds here).
my $source = PostgreSQL::Test::Cluster->new('ahead_source');
$source->init;
set_clock('+8');
start_faked($source);
$source->safe_psql('postgres', 'CREATE DATABASE r');
$source->safe_psql('r',
	'CREATE EXTENSION flakeid; CREATE TABLE t (id bigint PRIMARY KEY DEFAULT flakeid_next(), ph text)'
);

# The target, on the real clock, already making IDs in b.
my $node = PostgreSQL::Test::Cluster->new('restore_target');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE b');
$node->safe_psql('b',
	'CREATE EXTENSION flakeid; CREATE TABLE t (id bigint PRIMARY KEY, ph text)');
$node->safe_psql('b', "INSERT INTO t SELECT flakeid_next_ids(100), 'before'");

# Restores the source's r, with 5,000 more keys, into database $db of the target; a session
# of $db looks. Returns the highest restored key.
sub restore_ahead
{
	my ($db) = @_;
	$source->safe_psql('r', "INSERT INTO t (ph) SELECT '$db' FROM generate_series(1, 1000)")
	  for 1 .. 5;
	$source->command_ok([ 'pg_dump', '-Fc', '-f', "$dir/$db.dump", '-d', 'r' ],
		"pg_dump of the source for $db");
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $db, "$dir/$db.dump" ],
		"pg_restore into $db");
	my $max = $node->safe_psql($db, 'SELECT max(id) FROM t');
	my ($kind, $state) = try_sql($node, $db, 'SELECT flakeid_next()');
	is($state, 'FL001', "a session of $db looks: its first ID is refused (FL001)");
	# What it learnt is in the server's mark file at once: the node floor of the next start.
	my ($file_mark) = slurp_file($node->data_dir . '/flakeid_high_water') =~ /^(\d{20})/;
	cmp_ok($file_mark + 0, '>=', $node->safe_psql($db, 'SELECT last_value FROM flakeid_high_water'),
		"the server's mark file covers the mark restored into $db");
	return $max;
}

# b's IDs of $phase, made after the restart before any session of the restored database:
# "5000 IDs after N refusals", and how many lie at or below $max.
sub b_first
{
	my ($phase, $max) = @_;
	my ($refused, $kind, $state) = (0);
	my $until = time + 30;
	while (time < $until)
	{
		($kind, $state) =
		  try_sql($node, 'b', "INSERT INTO t SELECT flakeid_next_ids(5000), '$phase'");
		last if $kind eq 'ok';
		is($state, 'FL001', "$phase: b is refused with FL001") if $refused == 0;
		$refused++;
		sleep 0.25;
	}
	my $not_above = $node->safe_psql('b',
		"SELECT count(*) FROM t WHERE ph = '$phase' AND id <= $max");
	my $count = $node->safe_psql('b', "SELECT count(*) FROM t WHERE ph = '$phase'");
	note "$phase: b made $count IDs after $refused refusals; $not_above at or below the restored keys";
	is($count, 5000, "$phase: b makes its IDs once the clock has passed the restored keys");
	is($not_above, 0, "$phase: no ID of b is at or below the restored keys");
	return;
}

my $max = restore_ahead('r1');
$node->restart;
b_first('after a restart', $max);

$max = restore_ahead('r2');
$node->stop('immediate');
$node->start;
b_first('after a crash', $max);

$node->stop;
$source->stop;
done_testing();
