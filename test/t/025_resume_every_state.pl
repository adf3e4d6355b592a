# After a crash or a restart, every generator state resumes above the IDs made before,
# whichever layout or epoch it is and whichever database uses it first, and however the
# clock moves afterwards (libfaketime). Each phase fills tables with primary keys for
# 3 s, then makes IDs in a state that was not the first one used after the event: they
# must be refused (FL001), or come above the old ones; never a duplicate key. Before the
# IDs are asked for, the clock is set 1.5 s before the last ID of the fill, whatever the
# restart took: a clock already past the old IDs could not repeat them.
#
# (a) crash, clock 2 s back: the database's default layout first, then a second layout;
# (b) the same with a second epoch instead of a second layout;
# (c) normal restart with the clock right, one ID in another database, then an NTP step
#     back: a database that had not made an ID since the restart, and one whose first
#     call was flakeid_next_ids(0).
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

my $twitter = q{SET flakeid.layout = 'twitter';};
my $epoch_2024 = q{SET flakeid.layout = 'twitter';
	SET flakeid.epoch = '2024-01-01 00:00:00+00';};

my $node = PostgreSQL::Test::Cluster->new('resume_every_state');
$node->init;
$node->append_conf('postgresql.conf', 'log_statement = none');
set_clock('+0');
start_faked($node);

# A database with flakeid and a table of IDs with a primary key.
sub create_db
{
	my ($db) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db,
		'CREATE EXTENSION flakeid; CREATE TABLE t (id bigint PRIMARY KEY, phase text NOT NULL)');
	return;
}

# Fills t of each database for $seconds at the same time, each with its settings; returns
# the Unix time of the earliest of their last IDs.
sub fill_together
{
	my ($seconds, %settings) = @_;
	my $last;
	my %sessions = map {
		$_ => start_session($node, $_, fill_sql('t', 'before', $seconds, $settings{$_}))
	} keys %settings;
	for my $db (sort keys %sessions)
	{
		my ($ok, $err) = finish_session($sessions{$db});
		die "filling $db failed: $err" unless $ok;
		my ($count, $max, $max_unix) = split /\|/,
		  $node->safe_psql($db,
			"$settings{$db} SELECT count(*), max(id), extract(epoch FROM flakeid_timestamp(max(id))) FROM t");
		note "$db: $count IDs committed, max $max";
		$last = $max_unix if !defined $last || $max_unix < $last;
	}
	return $last;
}

# Sets the clock 1.5 s before the Unix time $unix.
sub aim_clock
{
	my ($unix, $what) = @_;
	set_clock(sprintf('%+.3f', $unix - 1.5 - time));
	note sprintf('%s: the server clock is %+.3f s from the real time', $what, clock_offset($node));
	return;
}

# Inserts $n IDs of flakeid_next_ids() into t under $settings: 'ok' or the SQLSTATE, and
# the error's first line.
sub insert_batch
{
	my ($db, $phase, $n, $settings) = @_;
	my ($kind, $what, $line) = try_sql($node, $db,
		"$settings\nINSERT INTO t SELECT flakeid_next_ids($n), '$phase';");
	note "$db, $phase: " . ($kind eq 'ok' ? "$n IDs" : $line);
	return $kind eq 'ok' ? 'ok' : $what;
}

# Checks an outcome of insert_batch(): refused with FL001, or IDs above every ID of
# phase 'before' (the primary key has already refused any repeat).
sub refused_or_above
{
	my ($db, $phase, $outcome, $what) = @_;
	ok($outcome eq 'FL001' || $outcome eq 'ok', "$what: refused with FL001, or IDs issued")
	  or diag("outcome: $outcome");
	isnt($outcome, '23505', "$what: no duplicate key");
	is( $node->safe_psql(
			$db, qq{
			SELECT count(*) FROM t WHERE phase = '$phase'
			AND id <= (SELECT max(id) FROM t WHERE phase = 'before')}),
		0,
		"$what: no new ID at or below an ID committed before");
	return;
}

# (a) and (b): crash, then the clock 2 s back.
create_db('pa');
create_db('pb');
my $last = fill_together(3, pa => $twitter, pb => $epoch_2024);
$node->stop('immediate');
set_clock('-2');
start_faked($node);
aim_clock($last, '(a) and (b) after the crash');

# pa: the default layout (minimal) first, then twitter, the layout of its IDs.
my $outcome = insert_batch('pa', 'minimal', 1000, '');
ok($outcome eq 'FL001' || $outcome eq 'ok',
	'(a) the first layout used after the crash is refused (FL001) or gets IDs');
$outcome = insert_batch('pa', 'second layout', 20000, $twitter);
refused_or_above('pa', 'second layout', $outcome,
	'(a) crash, clock 2 s back, a second layout');

# pb: twitter with the default epoch first, then twitter with the 2024 epoch of its IDs.
$outcome = insert_batch('pb', 'first epoch', 1000, $twitter);
ok($outcome eq 'FL001' || $outcome eq 'ok',
	'(b) the first epoch used after the crash is refused (FL001) or gets IDs');
$outcome = insert_batch('pb', 'second epoch', 20000, $epoch_2024);
refused_or_above('pb', 'second epoch', $outcome,
	'(b) crash, clock 2 s back, a second epoch');

# (a) again, under the logical policy (the server's; put in force after (b), whose refusals
# are the wait policy's FL001, and taken back before (c)): IDs are issued, above the old.
set_clock_policy($node, 'logical', '2h');
$outcome = insert_batch('pa', 'second layout, logical', 20000, $twitter);
is($outcome, 'ok', '(a) under the logical policy, IDs are issued');
refused_or_above('pa', 'second layout, logical', $outcome,
	'(a) the logical IDs');
set_clock_policy($node, 'wait');

# (c) A normal restart with the clock right; database a makes one ID; pc's first call
# is flakeid_next_ids(0); then NTP steps the clock back (to 1.5 s before pc's last ID).
set_clock('+0');
create_db('pc');
create_db('pd');
$node->safe_psql('postgres', 'CREATE DATABASE a');
$node->safe_psql('a', 'CREATE EXTENSION flakeid');
$last = fill_together(3, pc => $twitter);
my $pc_max = $node->safe_psql('pc', 'SELECT max(id) FROM t');
$node->stop;
start_faked($node);
$node->safe_psql('a', 'SELECT flakeid_next()');
$node->safe_psql('pc', "$twitter SELECT count(*) FROM flakeid_next_ids(0)");
aim_clock($last, '(c) after the NTP step');

# pd has no IDs of its own: compare with pc's.
$outcome = insert_batch('pd', 'after step', 20000, $twitter);
ok($outcome eq 'FL001' || $outcome eq 'ok',
	'(c) restart, NTP step back: another database is refused (FL001) or gets IDs');
is($node->safe_psql('pd', "SELECT count(*) FROM t WHERE id <= $pc_max"),
	0, "(c) none of its IDs is at or below pc's committed IDs");
$outcome = insert_batch('pc', 'after step', 20000, $twitter);
refused_or_above('pc', 'after step', $outcome,
	'(c) restart, flakeid_next_ids(0) first, NTP step back');

set_clock('+0');
$node->stop;
done_testing();
