# pg_restore --data-only into a database that has already made IDs, on a server whose
# clock is behind the source's (libfaketime): the restore raises the database's
# high-water mark from outside, and flakeid must honour it. New sessions (layout minimal,
# table events), and a session that made an ID before the restore and goes on after it
# (layout twitter, table tweets: a state of its own, so that each case is checked on its
# own), are refused (FL001) or get IDs above every restored one; never a duplicate key. A
# mark raised by hand with setval() is honoured too: to a value below the server's mark
# (the next ID waits for it), and 2 s ahead of the clock (refused, FL001).
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

my $schema = q{
	CREATE EXTENSION flakeid;
	CREATE TABLE events (id bigint PRIMARY KEY DEFAULT flakeid_next(), phase text);
	CREATE TABLE tweets (id bigint PRIMARY KEY DEFAULT flakeid_next(), phase text);
	CREATE TABLE seeds (id bigint PRIMARY KEY DEFAULT flakeid_next(), note text);};

# The source: real clock; fills events and tweets for 2 s and is dumped.
my $source = PostgreSQL::Test::Cluster->new('source');
$source->init;
$source->append_conf('postgresql.conf', 'log_statement = none');
$source->start;
$source->safe_psql('postgres', 'CREATE DATABASE app');
$source->safe_psql('app', $schema);

# The target: its clock 1.5 s behind; the same schema, made by a migration that also
# inserts one seed row (under twitter), whose session stays open.
set_clock('-1.5');
my $target = PostgreSQL::Test::Cluster->new('target');
$target->init;
$target->append_conf('postgresql.conf', 'log_statement = none');
start_faked($target);
$target->safe_psql('postgres', 'CREATE DATABASE app');
$target->safe_psql('app', $schema);
my $open = $target->background_psql('app', on_error_stop => 0);
$open->query_safe(q{SET flakeid.layout = 'twitter'; INSERT INTO seeds (note) VALUES ('seed')});
my $seed = $target->safe_psql('app', 'SELECT max(id) FROM seeds');
note "target: the migration's seed row has ID $seed";

my %fills = (
	events => start_session($source, 'app', fill_sql('events', 'source', 2)),
	tweets => start_session(
		$source, 'app', fill_sql('tweets', 'source', 2, q{SET flakeid.layout = 'twitter';})
	));
my (%max, %max_unix);
for my $table (sort keys %fills)
{
	my ($ok, $err) = finish_session($fills{$table});
	die "filling $table failed: $err" unless $ok;
	my $layout = $table eq 'tweets' ? 'twitter' : 'minimal';
	my $count;
	($count, $max{$table}, $max_unix{$table}) = split /\|/,
	  $source->safe_psql('app',
		"SELECT count(*), max(id), extract(epoch FROM flakeid_timestamp(max(id), '$layout')) "
		  . "FROM $table");
	note "source: $count IDs in $table, max $max{$table}";
}
my $max_unix = $max_unix{events} < $max_unix{tweets} ? $max_unix{events} : $max_unix{tweets};
my $mark = $source->safe_psql('app', 'SELECT last_value FROM flakeid_high_water');
note "source: high-water mark $mark";

my $dump = PostgreSQL::Test::Utils::tempdir() . '/app.dump';
$source->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', 'app' ], 'pg_dump of the source');
$target->command_ok(
	[ 'pg_restore', '--data-only', '--exit-on-error', '-d', 'app', $dump ],
	'pg_restore --data-only into the target database');
is($target->safe_psql('app', 'SELECT max(id) FROM events'),
	$max{events}, 'the target holds the restored rows');
is($target->safe_psql('app', 'SELECT last_value FROM flakeid_high_water'),
	$mark, 'and the restored high-water mark');

# Sets the target's clock 1 s before the last restored IDs (the restore took a while; a
# clock past them could not repeat them).
sub aim_clock
{
	my ($what) = @_;
	set_clock(sprintf('%+.3f', $max_unix - 1 - time));
	note sprintf('%s: target clock %+.3f s from the real time', $what, clock_offset($target));
	return;
}

# Checks an insert's outcome: refused with FL001, or IDs above every restored one.
sub refused_or_above
{
	my ($outcome, $line, $table, $phase, $what) = @_;
	note "$what: $line";
	ok($outcome eq 'ok' || $outcome eq 'FL001', "$what: refused with FL001, or IDs issued");
	isnt($outcome, '23505', "$what: no duplicate key");
	is( $target->safe_psql(
			'app', "SELECT count(*) FROM $table WHERE phase = '$phase' AND id <= $max{$table}"),
		0,
		"$what: no new ID at or below a restored one");
	return;
}

# New sessions: 10 000 IDs each.
aim_clock('new sessions');
for my $i (1 .. 3)
{
	my ($kind, $what, $line) = try_sql($target, 'app',
		"INSERT INTO events SELECT flakeid_next_ids(10000), 'new $i';");
	refused_or_above($kind eq 'ok' ? 'ok' : $what,
		$line // '10000 IDs', 'events', "new $i", "new session $i after the restore");
}

# The session that made the seed row before the restore goes on.
aim_clock('the open session');
my ($out, $ret) = $open->query(
	q{\set VERBOSITY verbose
	INSERT INTO tweets SELECT flakeid_next_ids(10000), 'open session';});
my ($state) = $open->{stderr} =~ /ERROR:  ([0-9A-Z]{5}):/;
my ($error) = $open->{stderr} =~ /(ERROR:  .*)/;
refused_or_above($ret == 0 ? 'ok' : $state // 'none',
	$error // '10000 IDs', 'tweets', 'open session',
	'the session open since before the restore');
$open->quit;

# setval() on the mark by hand, once the clock is right again and past every ID. First a
# value below the server's mark (another database renewed its mark half a second after
# this one): only the book of the values this server wrote tells it from the server's own
# reservation; a new session honours it, waiting for it rather than making an ID below it.
set_clock('+0');
sleep 0.1 while time < $max_unix + 2;
$target->safe_psql('postgres', 'CREATE DATABASE other');
$target->safe_psql('other', 'CREATE EXTENSION flakeid');
$target->safe_psql('app', 'SELECT pg_sleep(1.1); SELECT flakeid_next()');
my $own = $target->safe_psql('app', 'SELECT last_value FROM flakeid_high_water');
sleep 0.5;
$target->safe_psql('other', 'SELECT flakeid_next()');
my $server = $target->safe_psql('other', 'SELECT last_value FROM flakeid_high_water');
my $below = $own + 300;
$target->safe_psql('app', "SELECT setval('flakeid_high_water', $below)");
my ($made_ms, $made_ok) = split /\|/,
  $target->safe_psql('app',
	"SELECT timestamp_ms, timestamp_ms >= $below FROM flakeid_decode(flakeid_next())");
note "app's mark was $own, the server's (renewed by database other) $server; setval($below): "
  . "the next ID has ms $made_ms";
ok($below < $server, 'the value set lies below the server mark');
is($made_ok, 't', 'a mark raised by setval() below the server mark: the next ID is above it');

# Then 2 s ahead of the clock: a new session with a layout not used before honours it.
my $raised = $target->safe_psql('app',
	q{SELECT setval('flakeid_high_water',
		(extract(epoch FROM clock_timestamp()) * 1000)::bigint + 2000)});
my ($kind, $what, $line) = try_sql($target, 'app',
	q{SET flakeid.layout = 'high_throughput'; SELECT flakeid_next();});
note "after setval($raised): " . ($kind eq 'ok' ? "ID $what" : $line);
is($kind eq 'ok' ? 'ok' : $what,
	'FL001',
	'a mark raised by setval() 2 s ahead of the clock: the next session is refused (FL001)');

$target->stop;
$source->stop;
done_testing();
