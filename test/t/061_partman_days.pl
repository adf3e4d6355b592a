# Time partitions kept by pg_partman: the README's recipe (section "Time partitions with
# pg_partman") as written, with its create_parent call for the pg_partman installed (5, or
# 4 on Debian 12): daily partitions of flakeid keys (integer interval flakeid_span('1
# day'), first partition at today's midnight UTC by flakeid_min_id), on a server whose
# TimeZone is America/New_York. Real flakeid_next() keys are made on four days by moving
# the server's clock with libfaketime (restarting it under each offset), and the two keys
# at the very edges of each day are inserted too. Each row must land in the partition of
# its UTC day, none in the default; each partition must span exactly one day of keys,
# midnight to midnight UTC; a query on a range of days must scan only their partitions;
# and retention must drop the oldest day's partition.
use strict;
use warnings FATAL => 'all';

use POSIX qw(floor strftime);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $partman = require_engine('pg_partman', 'partman');
require_libfaketime();

my $rows_a_day = 500;
my @days = (1, 2, 3, 4);    # days after today (UTC) on which the server makes keys
# A day of twitter keys, worked out by hand: 86,400,000 ms << 22 = 362,387,865,600,000.
my $day_of_keys = 362387865600000;

# The real day's midnight UTC (Unix s), and the server's clock at noon UTC of day $k.
my $today = floor(time / 86400) * 86400;
sub noon_of { return $today + $_[0] * 86400 + 43200; }
sub date_of { return strftime('%Y-%m-%d', gmtime($today + $_[0] * 86400)); }

# pg_partman 5 calls the partitioning 'range', 4 (Debian 12's 4.7) 'native': the README
# gives each its create_parent call.
my $parent = $partman =~ /^4\./ ? 'partman-parent-4' : 'partman-parent';
my %recipe = map { $_ => readme_recipe($_) }
  ('layout', 'partman', $parent, 'partman-retention', 'partman-maintenance');

my $node = PostgreSQL::Test::Cluster->new('partman');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
log_statement = none
timezone = 'America/New_York'
});

# Restarts the server with its clock at noon UTC of day $k.
sub move_to_day
{
	my ($k) = @_;
	$node->stop if $node->{_pid};
	set_clock(sprintf('%+.3f', noon_of($k) - time));
	start_faked($node);
	my $server_day = $node->safe_psql('postgres',
		q{SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')});
	is($server_day, date_of($k) . ' 12', "the server's clock reads noon UTC of day $k");
	return;
}

move_to_day($days[0]);
$node->safe_psql('postgres', 'CREATE ROLE app LOGIN; CREATE DATABASE app;');
$node->safe_psql('app', $recipe{layout});
$node->safe_psql('app', $recipe{partman});
$node->safe_psql('app', $recipe{$parent});
$node->safe_psql('app', $recipe{'partman-retention'});
$node->safe_psql('app', $recipe{'partman-maintenance'});

# The key bounds of day $k's partition: first key of its midnight UTC, first of the next.
sub day_bounds
{
	my ($k) = @_;
	return split /\|/,
	  $node->safe_psql('app',
		    "SELECT flakeid_min_id('"
		  . date_of($k)
		  . " 00:00:00+00'), flakeid_min_id('"
		  . date_of($k + 1)
		  . " 00:00:00+00')");
}

# Partitions (name|lower|upper) in key order, the default last (with no bounds).
sub partitions
{
	my @parts;
	for my $line (
		split /\n/,
		$node->safe_psql(
			'app', q{
		SELECT c.relname || '|' || pg_get_expr(c.relpartbound, c.oid)
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'events'::regclass
		ORDER BY c.relname = 'events_default', length(c.relname), c.relname}))
	{
		my ($name, $bound) = split /\|/, $line;
		my ($lower, $upper) = $bound =~ /FROM \('?(\d+)'?\) TO \('?(\d+)'?\)/;
		push @parts, join '|', $name, $lower // '', $upper // '';
	}
	return @parts;
}

# ---- what retention must drop, worked out ------------------------------------------
# pg_partman drops a partition when the retention (two days of keys) is at most the newest
# key minus the partition's end: a day's partition goes once a key two days past its end
# exists. pg_partman 5 reads the newest key as trunc(max(id)), which PostgreSQL resolves to
# trunc(double precision): keys of this size (between 2^59 and 2^60) are rounded to a
# multiple of 128, so the last key of a day, one below the next day's first, reads as
# that first key. pg_partman 4 reads max(id) as it is.
my $retention = 2 * $day_of_keys;
sub newest_as_read
{
	my ($newest) = @_;
	return $partman =~ /^4\./ ? $newest : sprintf('%.0f', $newest * 1.0);
}
# The days whose partitions a maintenance with newest key $newest drops.
sub dropped_by
{
	my ($newest) = @_;
	my $read = newest_as_read($newest);
	return grep { $retention <= $read - ((day_bounds($_))[0] + $day_of_keys) } @days;
}
my %gone;    # the days whose partitions retention has dropped

# The partitions from today's midnight UTC, each a day of keys wide.
my @first = day_bounds($days[0]);
my ($first_partition) = partitions();
is($first_partition, "events_p$first[0]|$first[0]|" . ($first[0] + $day_of_keys),
	'the first partition begins at midnight UTC of the first day and is a day of keys wide');
is($first[1] - $first[0], $day_of_keys, 'a day of keys is 86,400,000 ms << 22');

# ---- keys made on four days ---------------------------------------------------------
for my $k (@days)
{
	move_to_day($k) unless $k == $days[0];
	my ($from, $to) = day_bounds($k);
	my $date = date_of($k);
	# Real keys of the server's clock, and the first and last key the day can hold.
	$node->safe_psql(
		'app', qq{
		INSERT INTO events (payload) SELECT 'day $k' FROM generate_series(1, $rows_a_day);
		INSERT INTO events (id, payload) VALUES
		  (flakeid_min_id('$date 00:00:00+00'), 'day $k first'),
		  (flakeid_max_id('$date 23:59:59.999+00'), 'day $k last');});
	is( $node->safe_psql(
			'app',
			"SELECT count(*) FROM events WHERE payload LIKE 'day $k%' "
			  . "AND id >= $from AND id < $to"),
		$rows_a_day + 2,
		"day $k: its keys lie between its midnights UTC");
	next if $k == $days[-1];
	$node->safe_psql('app', $recipe{'partman-maintenance'});
	$gone{$_} = 1 for dropped_by($to - 1);
}
note 'partitions dropped before the last day: '
  . (join(' ', grep { $gone{$_} } @days) || 'none');

# Each row in the partition of its UTC day: the partition named by the day's first key.
my $placement = q{
	SELECT tableoid::regclass::text AS part,
	       to_char(flakeid_timestamp(id) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
	       'events_p' || flakeid_min_id(date_trunc('day', flakeid_timestamp(id), 'UTC'))
	         AS own_part
	FROM events};
is($node->safe_psql('app', "SELECT count(*) FROM ($placement) p WHERE part <> own_part"),
	'0', 'every row is in the partition of its UTC day');
is($node->safe_psql('app', 'SELECT count(*) FROM events_default'),
	'0', 'no row is in the default partition');
my $per_day = $node->safe_psql('app',
	"SELECT day || ' ' || part || ' ' || count(*) FROM ($placement) p GROUP BY day, part ORDER BY day");
note "rows per day and partition:\n$per_day";
is( $node->safe_psql(
		'app', "SELECT string_agg(n::text, ',' ORDER BY day)
		FROM (SELECT day, count(*) AS n FROM ($placement) p GROUP BY day) d"),
	join(',', map { $rows_a_day + 2 } grep { !$gone{$_} } @days),
	"$rows_a_day keys made on each of the four days, and its two edge keys, "
	  . 'in each partition retention kept');

# Every partition a day of keys wide, from a midnight UTC (the default has no bounds).
my @parts = partitions();
my $misaligned = 0;
for my $part (@parts)
{
	my ($name, $lower, $upper) = split /\|/, $part;
	next if $name eq 'events_default';
	my $midnight = $node->safe_psql('app',
		"SELECT flakeid_min_id(date_trunc('day', flakeid_timestamp($lower), 'UTC'))");
	$misaligned++ unless $lower eq $midnight && $upper - $lower == $day_of_keys;
}
note 'partitions: ' . join(' ', map { (split /\|/)[0] } @parts);
is($misaligned, 0, 'every partition runs from a midnight UTC to the next');

# ---- pruning: a range of days scans those days' partitions only ---------------------
my @want = map { 'events_p' . (day_bounds($_))[0] } ($days[1], $days[2]);
for my $form ('', q{, 'twitter'})
{
	my $plan = $node->safe_psql('app',
		    'EXPLAIN (COSTS OFF) SELECT * FROM events WHERE id BETWEEN '
		  . "flakeid_min_id('"
		  . date_of($days[1])
		  . " 00:00:00+00'$form) AND flakeid_max_id('"
		  . date_of($days[2])
		  . " 23:59:59.999+00'$form)");
	my %scanned = map { $_ => 1 } grep { !/_pkey$/ } $plan =~ /\bon (events_\w+)/g;
	is(join(' ', sort keys %scanned), join(' ', sort @want),
		'days ' . "$days[1] and $days[2]: the plan scans their two partitions only"
		  . ($form ? ' (IMMUTABLE forms, at plan time)' : ' (STABLE forms)'))
	  or diag $plan;
}

# ---- retention: two days behind the newest key --------------------------------------
# The newest key is day 4's last (23:59:59.999 UTC); two days of keys below it is day 2's
# last key. Day 1's partition ends at day 2's first key, below that point: dropped. Day
# 2's ends at day 3's first key, one above it: kept by pg_partman 4; pg_partman 5 reads
# the newest key as day 5's first and drops it too (see newest_as_read). Each maintenance
# after days 1 to 3 worked the same way on that day's last key.
my $before = join ' ', map { (split /\|/)[0] } partitions();
$node->safe_psql('app', $recipe{'partman-maintenance'});
my $after = join ' ', map { (split /\|/)[0] } partitions();
my %gone_before = %gone;
$gone{$_} = 1 for dropped_by((day_bounds($days[-1]))[1] - 1);
ok($gone{ $days[0] }, "retention is due to drop the partition of day $days[0]");
for my $k (@days)
{
	my $part = 'events_p' . (day_bounds($k))[0];
	if (!$gone_before{$k})
	{
		like($before, qr/\b$part\b/, "before the last maintenance, the partition of day $k is there");
	}
	else
	{
		unlike($before, qr/\b$part\b/, "a maintenance before the last dropped the partition of day $k");
	}
	if ($gone{$k})
	{
		unlike($after, qr/\b$part\b/, "retention dropped the partition of day $k");
	}
	else
	{
		like($after, qr/\b$part\b/, "the partition of day $k is kept");
	}
}
is($node->safe_psql('app', 'SELECT count(*) FROM events'),
	($rows_a_day + 2) * (grep { !$gone{$_} } @days),
	'the rows of the days whose partitions are kept remain');
note "after retention:\n"
  . $node->safe_psql('app',
	"SELECT day || ' ' || part || ' ' || count(*) FROM ($placement) p GROUP BY day, part ORDER BY day");

$node->stop;
done_testing();
