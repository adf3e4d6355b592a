# pg_upgrade of a cluster that uses flakeid, the way users move between majors: two
# databases filled through DEFAULT flakeid_next() under different layouts (twitter and
# minimal), upgraded with pg_upgrade (copy mode) into a new cluster with flakeid installed and
# preloaded. Every row and key survives; ALTER EXTENSION flakeid UPDATE is a no-op; and no
# new ID in either database is at or below an old one, although the new server's clock
# is set back right after the upgrade (libfaketime) to 1 s before the last old ID was made,
# so that the clock alone would repeat them in both databases.
#
# The server's mark file (flakeid_high_water in the data directory) is not carried by
# pg_upgrade: the new data directory does not have it. What protects the keys then is each
# database's own high-water mark, the sequence flakeid_high_water, whose value pg_upgrade
# carries over with the schema: the first ID a database makes after the start resumes
# above it, and the mark lies ahead of every ID the database ever issued.
#
# Old and new cluster are made by the PostgreSQL under test (15 → 15, 18 → 18): a cluster
# of Debian 12's PostgreSQL 15.x cannot be upgraded to upstream 18 at all, with or without
# flakeid, because 18 refuses the attribute option pg_attver that Debian's 15 stores on
# every column; the end of this test shows that where both are at hand.
# FLAKEID_UPGRADE_FROM=/path/to/old/bin runs the same test from an older installation.
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

my $rows = 2000;    # per database
my %layout = (tw => 'twitter', mini => 'minimal');
my $digest = q{SELECT count(*) || ':' || md5(string_agg(id || '/' || note, ',' ORDER BY id))
	FROM events WHERE note LIKE 'old%'};

my $old_bin = $ENV{FLAKEID_UPGRADE_FROM};
my $old = PostgreSQL::Test::Cluster->new('old',
	defined $old_bin ? (install_path => "$old_bin/..") : ());
$old->init;
$old->start;
for my $db (sort keys %layout)
{
	$old->safe_psql('postgres', "CREATE DATABASE $db");
	$old->safe_psql('postgres',
		"ALTER DATABASE $db SET flakeid.layout = '$layout{$db}'");
	$old->safe_psql(
		$db, qq{
		CREATE EXTENSION flakeid;
		CREATE TABLE events (id bigint PRIMARY KEY DEFAULT flakeid_next(), note text);
		INSERT INTO events (note) SELECT 'old ' || g FROM generate_series(1, $rows / 2) g;});
	# A second batch in its own transaction, a moment later.
	sleep 0.05;
	$old->safe_psql($db,
		"INSERT INTO events (note) SELECT 'old2 ' || g FROM generate_series(1, $rows / 2) g");
}
my (%before, %old_max, %old_mark, %old_version, $last_old_ms);
for my $db (sort keys %layout)
{
	$before{$db} = $old->safe_psql($db, $digest);
	$old_max{$db} = $old->safe_psql($db, 'SELECT max(id) FROM events');
	$old_mark{$db} =
	  $old->safe_psql($db, 'SELECT last_value FROM flakeid_high_water');
	$old_version{$db} = $old->safe_psql($db,
		"SELECT extversion FROM pg_extension WHERE extname = 'flakeid'");
	my $made_ms = $old->safe_psql($db,
		"SELECT (flakeid_decode($old_max{$db})).timestamp_ms");
	# The earlier database's last ID: the clock goes back behind both.
	$last_old_ms = $made_ms if !defined $last_old_ms || $made_ms < $last_old_ms;
	note "old $db ($layout{$db}): max id $old_max{$db} made at $made_ms, mark $old_mark{$db}";
}
ok(-f $old->data_dir . '/flakeid_high_water',
	'the old cluster has its server mark file');
$old->stop;

# The new cluster: same installation (or the one under test), flakeid preloaded.
my $new = PostgreSQL::Test::Cluster->new('new');
$new->init;
$new->append_conf('postgresql.conf', "shared_preload_libraries = 'flakeid'");
my $old_bindir = $old->config_data('--bindir');
my $new_bindir = $new->config_data('--bindir');
my $socketdir = PostgreSQL::Test::Utils::tempdir_short();
my $workdir = PostgreSQL::Test::Utils::tempdir();
my ($stdout, $stderr) = ('', '');
my $upgraded = IPC::Run::run(
	[
		"$new_bindir/pg_upgrade", '--no-sync',
		'-d', $old->data_dir, '-D', $new->data_dir,
		'-b', $old_bindir, '-B', $new_bindir,
		'-s', $socketdir, '-p', $old->port, '-P', $new->port
	],
	'>', \$stdout, '2>', \$stderr,
	init => sub { chdir $workdir or die "chdir $workdir: $!" });
ok($upgraded, 'pg_upgrade succeeds')
  or diag("pg_upgrade:\n$stdout\n$stderr");
like($stdout, qr/Upgrade Complete/, 'pg_upgrade reports the upgrade complete');
ok(!-e $new->data_dir . '/flakeid_high_water',
	'pg_upgrade does not carry the server mark file');

# Right after the upgrade the clock goes back to 1 s before the last old ID of either
# database was made.
my $back = sprintf('%.3f', time - $last_old_ms / 1000 + 1);
set_clock("-$back");
start_faked($new);
cmp_ok(clock_offset($new), '<', -($back - 0.2), "the new server runs $back s behind");

# What protects the keys: each database's own mark, carried by pg_upgrade.
for my $db (sort keys %layout)
{
	is( $new->safe_psql($db, 'SELECT last_value FROM flakeid_high_water'),
		$old_mark{$db},
		"$db: the database's high-water mark came over with the schema");
}

# New IDs first, while the clock is behind the old ones: either refused (FL001) while the
# clock is behind the mark, or above every old ID; within a few seconds they come.
for my $db (sort keys %layout)
{
	my ($came, @refusals, $lowest);
	my $started = time;
	while (time < $started + 10)
	{
		my ($ret, $out, $err) = $new->psql(
			$db, q{
			\set VERBOSITY verbose
			INSERT INTO events (note) SELECT 'new' FROM generate_series(1, 500);
			SELECT min(id) FROM events WHERE note = 'new';});
		if ($ret == 0)
		{
			($came, $lowest) = (1, $out);
			last;
		}
		my ($state) = $err =~ /ERROR:  ([0-9A-Z]{5}):/;
		push @refusals, $state // $err;
		sleep 0.2;
	}
	ok($came, "$db: new IDs come within 10 s")
	  or diag("refusals: @refusals");
	is(join(',', grep { $_ ne 'FL001' } @refusals),
		'', "$db: the only refusals, if any, are FL001 (clock behind the mark)");
	note "$db: " . scalar(@refusals) . " refusal(s) before the first new ID";
	cmp_ok($lowest, '>', $old_max{$db},
		"$db: the lowest new ID is above every old one");
	is( $new->safe_psql($db,
			'SELECT count(*) - count(DISTINCT id) FROM events'),
		'0', "$db: no ID repeats");
}

for my $db (sort keys %layout)
{
	is($new->safe_psql($db, $digest),
		$before{$db}, "$db: every row and key is intact");
	is( $new->safe_psql($db, 'SHOW flakeid.layout'),
		$layout{$db}, "$db: the database keeps its layout");
	# ALTER EXTENSION UPDATE: already at the newest version, a no-op.
	my ($ret, $out, $err) =
	  $new->psql($db, 'ALTER EXTENSION flakeid UPDATE');
	is($ret, 0, "$db: ALTER EXTENSION flakeid UPDATE works");
	is( $new->safe_psql($db,
			"SELECT extversion FROM pg_extension WHERE extname = 'flakeid'"),
		$old_version{$db},
		"$db: the extension stays at version $old_version{$db}");
}

# Debian 12's PostgreSQL 15 beside an 18 under test: its clusters cannot be upgraded to 18
# even without flakeid, because 18 refuses the attribute option pg_attver that Debian's
# 15.x stores on the columns of every table. Shown on a cluster with one plain table.
my $debian15 = '/usr/lib/postgresql/15/bin';
SKIP:
{
	skip 'Debian 12\'s PostgreSQL 15 beside a newer PostgreSQL under test', 3
	  unless -x "$debian15/pg_ctl" && $new->pg_version >= 16;
	my $plain = PostgreSQL::Test::Cluster->new('plain15', install_path => "$debian15/..");
	$plain->init;
	$plain->start;
	$plain->safe_psql('postgres', 'CREATE TABLE t (id bigint PRIMARY KEY, note text)');
	like(
		$plain->safe_psql('postgres',
			q{SELECT string_agg(DISTINCT split_part(o, '=', 1), ',')
			  FROM pg_attribute, unnest(attoptions) AS o
			  WHERE attrelid = 't'::regclass AND attnum > 0}),
		qr/^pg_attver$/,
		'Debian\'s 15 stores pg_attver on a plain table\'s columns');
	$plain->stop;
	# 18's initdb turns data checksums on by default; 15's did not, and pg_upgrade
	# needs both alike.
	my $target = PostgreSQL::Test::Cluster->new('target18');
	$target->init(extra => ['--no-data-checksums']);
	my $output = '';
	my $ok = IPC::Run::run(
		[
			"$new_bindir/pg_upgrade", '--no-sync',
			'-d', $plain->data_dir, '-D', $target->data_dir,
			'-b', $debian15, '-B', $new_bindir,
			'-s', $socketdir, '-p', $plain->port, '-P', $target->port
		],
		'>&', \$output,
		init => sub { chdir $workdir or die "chdir $workdir: $!" });
	ok(!$ok, 'pg_upgrade from Debian\'s 15 fails on a cluster without flakeid');
	my $logs = join '', map { slurp_file($_) }
	  glob($target->data_dir . '/pg_upgrade_output.d/*/log/pg_upgrade_dump_*.log');
	like($logs, qr/unrecognized parameter "pg_attver"/,
		'because the new server refuses pg_attver')
	  or diag("pg_upgrade:\n$output");
}

# The server's mark is written again by the new server.
ok(-f $new->data_dir . '/flakeid_high_water',
	'the new server writes its own mark file');
$new->stop;
set_clock('+0');

done_testing();
