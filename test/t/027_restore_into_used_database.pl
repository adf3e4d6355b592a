# pg_restore --data-only into a database that has already made IDs, on servers whose
# clock is behind the source's (libfaketime): the restore raises the database's
# high-water mark from outside, and flakeid must honour it; never a duplicate key.
#
# Two targets, so that each way of noticing is checked on its own (whichever notices first
# protects the whole server):
# - on target "open", a session that made an ID before the restore (under twitter) goes on
#   after it: its renewal of the reservation notices;
# - on target "fresh", new sessions after the restore (under minimal), while another
#   database keeps the server's reservation ahead of the clock: their first ID notices. There also a mark raised by hand with setval() is honoured: to a value below
#   the server's mark (only the book of the values this server wrote tells it from the
#   server's own; the next ID waits for it), and 2 s ahead of the clock (refused, FL001).
# Each is refused (FL001) or gets IDs above every restored one.
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

# The targets: their clock 1.5 s behind; the same schema, made by a migration that also
# inserts one seed row. On "open" the migration's session (under twitter) stays open.
set_clock('-1.5');
my %target;
for my $name ('open', 'fresh')
{
	$target{$name} = PostgreSQL::Test::Cluster->new($name);
	$target{$name}->init;
	$target{$name}->append_conf('postgresql.conf', 'log_statement = none');
	start_faked($target{$name});
	$target{$name}->safe_psql('postgres', 'CREATE DATABASE app');
	$target{$name}->safe_psql('app', $schema);
}
$target{fresh}->safe_psql('postgres', 'CREATE DATABASE busy');
$target{fresh}->safe_psql('postgres', q{ALTER DATABASE busy SET flakeid.layout = 'twitter'});
$target{fresh}->safe_psql('busy', 'CREATE EXTENSION flakeid');
my $open = $target{open}->background_psql('app', on_error_stop => 0);
$open->query_safe(q{SET flakeid.layout = 'twitter'; INSERT INTO seeds (note) VALUES ('seed')});
$target{fresh}->safe_psql('app', q{INSERT INTO seeds (note) VALUES ('seed')});

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
for my $name ('open', 'fresh')
{
	$target{$name}->command_ok(
		[ 'pg_restore', '--data-only', '--exit-on-error', '-d', 'app', $dump ],
		"pg_restore --data-only into target $name");
	is($target{$name}->safe_psql('app', 'SELECT max(id), (SELECT last_value FROM flakeid_high_water) FROM events'),
		"$max{events}|$mark", "target $name holds the restored rows and mark");
}

# Sets the targets' clock 1 s before the last restored IDs (the restore took a while; a
# clock past them could not repeat them).
sub aim_clock
{
	my ($what) = @_;
	set_clock(sprintf('%+.3f', $max_unix - 1 - time));
	note sprintf('%s: target clock %+.3f s from the real time',
		$what, clock_offset($target{fresh}));
	return;
}

# Checks an insert's outcome: refused with FL001, or IDs above every restored one.
sub refused_or_above
{
	my ($name, $outcome, $line, $table, $phase, $what) = @_;
	note "$what: $line";
	ok($outcome eq 'ok' || $outcome eq 'FL001', "$what: refused with FL001, or IDs issued");
	isnt($outcome, '23505', "$what: no duplicate key");
	is( $target{$name}->safe_psql(
			'app', "SELECT count(*) FROM $table WHERE phase = '$phase' AND id <= $max{$table}"),
		0,
		"$what: no new ID at or below a restored one");
	return;
}

# Target open: the session that made the seed row before the restore goes on.
aim_clock('the open session');
my ($out, $ret) = $open->query(
	q{\set VERBOSITY verbose
	INSERT INTO tweets SELECT flakeid_next_ids(10000), 'open session';});
my ($state) = $open->{stderr} =~ /ERROR:  ([0-9A-Z]{5}):/;
my ($error) = $open->{stderr} =~ /(ERROR:  .*)/;
refused_or_above('open', $ret == 0 ? 'ok' : $state // 'none',
	$error // '10000 IDs', 'tweets', 'open session',
	'the session open since before the restore');
$open->quit;

# Target fresh: new sessions, 10 000 IDs each, right after an ID of database busy (under
# twitter, another state), which renews the server's reservation: a new session's
# reservation is then ahead of the clock, and only its first look at its database's mark
# stands between it and the restored IDs.
$target{fresh}->safe_psql('busy', 'SELECT pg_sleep(1.1); SELECT flakeid_next()');
aim_clock('new sessions');
for my $i (1 .. 3)
{
	my ($kind, $what, $line) = try_sql($target{fresh}, 'app',
		"INSERT INTO events SELECT flakeid_next_ids(10000), 'new $i';");
	refused_or_above('fresh', $kind eq 'ok' ? 'ok' : $what,
		$line // '10000 IDs', 'events', "new $i", "new session $i after the restore");
}

# setval() on the mark by hand, once the clock is right again and past every ID. First a
# value below the server's mark (another database renewed its mark half a second after
# this one).
my $fresh = $target{fresh};
set_clock('+0');
sleep 0.1 while time < $max_unix + 2;
$fresh->safe_psql('postgres', 'CREATE DATABASE other');
$fresh->safe_psql('other', 'CREATE EXTENSION flakeid');
$fresh->safe_psql('app', 'SELECT pg_sleep(1.1); SELECT flakeid_next()');
my $own = $fresh->safe_psql('app', 'SELECT last_value FROM flakeid_high_water');
sleep 0.5;
$fresh->safe_psql('other', 'SELECT flakeid_next()');
my $server = $fresh->safe_psql('other', 'SELECT last_value FROM flakeid_high_water');
my $below = $own + 300;
$fresh->safe_psql('app', "SELECT setval('flakeid_high_water', $below)");
my ($made_ms, $made_ok) = split /\|/,
  $fresh->safe_psql('app',
	"SELECT timestamp_ms, timestamp_ms >= $below FROM flakeid_decode(flakeid_next())");
note "app's mark was $own, the server's (renewed by database other) $server; setval($below): "
  . "the next ID has ms $made_ms";
ok($below < $server, 'the value set lies below the server mark');
is($made_ok, 't', 'a mark raised by setval() below the server mark: the next ID is above it');

# Then 2 s ahead of the clock: a new session with a layout not used before honours it.
my $raised = $fresh->safe_psql('app',
	q{SELECT setval('flakeid_high_water',
		(extract(epoch FROM clock_timestamp()) * 1000)::bigint + 2000)});
my ($kind, $what, $line) = try_sql($fresh, 'app',
	q{SET flakeid.layout = 'high_throughput'; SELECT flakeid_next();});
note "after setval($raised): " . ($kind eq 'ok' ? "ID $what" : $line);
is($kind eq 'ok' ? 'ok' : $what,
	'FL001',
	'a mark raised by setval() 2 s ahead of the clock: the next session is refused (FL001)');

$_->stop for values %target;
$source->stop;
done_testing();
