# Failover to a standby whose clock is 3 s behind the primary's (libfaketime): no
# database of the promoted server may make an ID at or below an ID that any database of
# the primary committed, also when the standby was restarted before its promotion, or the
# promoted server before its first ID. Database a commits IDs on the primary; after the
# promotion, database b (same layout, no IDs of its own since the base backup) makes IDs:
# refused (FL001), or, under the logical policy, above a's. The IDs a made before the base
# backup are in the server's mark file that the backup copied; those after it are only in
# the WAL.
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

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->append_conf('postgresql.conf', 'log_statement = none');
$primary->start;
for my $db ('a', 'b')
{
	$primary->safe_psql('postgres', "CREATE DATABASE $db");
	$primary->safe_psql($db,
		'CREATE EXTENSION flakeid; CREATE TABLE t (id bigint NOT NULL, phase text NOT NULL)');
	$primary->safe_psql($db, "INSERT INTO t SELECT flakeid_next(), 'seed'");
}
$primary->backup('backup');

# Two standbys from the same backup, both with their clock 3 s behind.
set_clock('-3');
my %standby;
for my $name ('restarted_standby', 'restarted_after_promotion')
{
	$standby{$name} = PostgreSQL::Test::Cluster->new($name);
	$standby{$name}->init_from_backup($primary, 'backup', has_streaming => 1);
	start_faked($standby{$name});
}
my $offset = clock_offset($standby{restarted_standby});
note sprintf('standby clock: %+.3f s from the real time', $offset);
cmp_ok(abs($offset + 3), '<', 0.5, "the standbys' clock is 3 s behind");

# Database a commits IDs on the primary for 3 s, about 50 every millisecond; a checkpoint
# on the primary, and a restartpoint on each standby, put those commits before the point
# where a later recovery starts.
$primary->safe_psql('a', fill_sql('t', 'primary', 3, '', 50, 0.001));
my ($a_count, $a_max, $a_max_unix) = split /\|/,
  $primary->safe_psql('a',
	'SELECT count(*), max(id), extract(epoch FROM flakeid_timestamp(max(id))) FROM t');
note "primary: database a committed $a_count IDs, max $a_max";
$primary->wait_for_catchup($_) for values %standby;
$primary->safe_psql('postgres', 'CHECKPOINT');
for my $node (values %standby)
{
	$primary->wait_for_catchup($node);
	$node->safe_psql('postgres', 'CHECKPOINT');
	is($node->safe_psql('a', 'SELECT max(id) FROM t'),
		$a_max, $node->name . ' has every ID database a committed');
}
$primary->stop('immediate');

# IDs of b's phase $phase at or below a's maximum, and those equal to one of a's.
sub check_b
{
	my ($node, $phase, $what) = @_;
	my ($count, $min, $max) = split /\|/,
	  $node->safe_psql('b', "SELECT count(*), min(id), max(id) FROM t WHERE phase = '$phase'");
	my $not_above = $node->safe_psql('b',
		"SELECT count(*) FROM t WHERE phase = '$phase' AND id <= $a_max");
	my $repeats = 0;
	if ($count > 0)
	{
		my $a_ids = $node->safe_psql('a',
			"SELECT coalesce(string_agg(id::text, ','), '0') FROM t WHERE id BETWEEN $min AND $max");
		$repeats = $node->safe_psql('b',
			"SELECT count(*) FROM t WHERE phase = '$phase' AND id IN ($a_ids)");
	}
	note "$what: b made $count IDs, $not_above at or below a's maximum, $repeats repeat IDs of a";
	is($not_above, 0, "$what: no ID of b at or below an ID a committed on the primary");
	is($repeats, 0, "$what: b repeats no ID of a");
	return;
}

# Tries b under the default policy, then under the logical one. The clock is set 1.5 s
# before a's last ID first: the restarts take time, and a clock that had passed a's IDs
# again could not repeat them.
sub try_b
{
	my ($node, $what) = @_;
	set_clock(sprintf('%+.3f', $a_max_unix - 1.5 - time));
	note sprintf('%s: the clock is %+.3f s from the real time', $what, clock_offset($node));
	my ($kind, $state, $line) = try_sql($node, 'b',
		"INSERT INTO t SELECT flakeid_next_ids(20000), 'wait policy';");
	note "$what, wait policy: " . ($kind eq 'ok' ? '20000 IDs' : $line);
	ok($kind eq 'ok' || $state eq 'FL001',
		"$what: b is refused with FL001, or gets IDs");
	check_b($node, 'wait policy', "$what, wait policy");
	set_clock_policy($node, 'logical', '2h');
	($kind, $state, $line) =
	  try_sql($node, 'b', "INSERT INTO t SELECT flakeid_next_ids(20000), 'logical';");
	is($kind, 'ok', "$what: under the logical policy b gets IDs") or diag($line);
	check_b($node, 'logical', "$what, logical policy");
	set_clock_policy($node, 'wait');
	return;
}

# (a) The standby is restarted before it is promoted.
my $node = $standby{restarted_standby};
$node->stop;
start_faked($node);
$node->promote;
$node->poll_query_until('postgres', 'SELECT NOT pg_is_in_recovery()')
  or die 'the standby was not promoted';
try_b($node, 'standby restarted, then promoted');

# (b) The promoted server is restarted before it makes an ID.
$node = $standby{restarted_after_promotion};
$node->promote;
$node->poll_query_until('postgres', 'SELECT NOT pg_is_in_recovery()')
  or die 'the standby was not promoted';
$node->stop;
start_faked($node);
try_b($node, 'promoted, then restarted');

set_clock('+0');
$_->stop for values %standby;
done_testing();
