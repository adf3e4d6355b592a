# Node ids from the server's environment: FLAKEID_DATACENTER_ID and FLAKEID_MACHINE_ID
# are used while flakeid.datacenter_id / flakeid.machine_id are -1, a setting in
# postgresql.conf overrides them after a reload, and a bad environment value is a clear
# error (FL005 when it does not fit the layout, FL006 when it is not a number) that
# leaves the session usable.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep);

# Starts the node with the node ids given in its environment; the test's own
# environment (and so every psql it runs) has neither variable.
sub start_with_env
{
	my ($node, $datacenter, $machine) = @_;
	local $ENV{FLAKEID_DATACENTER_ID} = $datacenter;
	local $ENV{FLAKEID_MACHINE_ID} = $machine;
	$node->start;
}

# Runs SQL in a new session, verbose errors; returns (stdout, stderr).
sub psql_verbose
{
	my ($node, $db, $sql) = @_;
	my ($ret, $out, $err) = $node->psql($db, "\\set VERBOSITY verbose\n$sql");
	return ($out, $err);
}

# Sends a query to a background session; returns (stdout, stderr) of that query alone.
sub bg_query
{
	my ($session, $sql) = @_;
	$session->{stderr} = '';
	my $out = $session->query($sql);
	return ($out, $session->{stderr});
}

# Asks a background session for a new ID's "datacenter|machine" until it is $want.
sub bg_wait_node_ids
{
	my ($session, $want) = @_;
	my $got = '';
	for (1 .. 100)
	{
		($got) = bg_query($session,
			'SELECT datacenter_id || $$|$$ || machine_id FROM flakeid_decode(flakeid_next())'
		);
		last if $got eq $want;
		sleep 0.1;
	}
	return $got;
}

my $decode_new_id = q{
	SELECT d.datacenter_id, d.machine_id, (d.raw >> 17) & 31, (d.raw >> 12) & 31,
	       abs(extract(epoch FROM clock_timestamp() - d.generated_at)) < 1
	FROM flakeid_decode(flakeid_next()) d};

my $node = PostgreSQL::Test::Cluster->new('node_ids_env');
$node->init;
$node->append_conf('postgresql.conf', "flakeid.layout = 'twitter'");

ok(!defined $ENV{FLAKEID_DATACENTER_ID} && !defined $ENV{FLAKEID_MACHINE_ID},
	'the test itself runs without FLAKEID_* variables');
start_with_env($node, '3', '12');
$node->safe_psql('postgres', 'CREATE EXTENSION flakeid');

is($node->safe_psql('postgres', $decode_new_id),
	'3|12|3|12|t',
	'node ids 3 and 12 come from the server environment');
is( $node->safe_psql(
		'postgres', q{
		LOAD 'flakeid';
		SELECT current_setting('flakeid.datacenter_id') || ' ' ||
		       current_setting('flakeid.machine_id')}),
	'-1 -1',
	'both settings are -1: take the environment');

# A database whose layout has no node bits cannot hold datacenter 3: an error, never a
# silently dropped node id.
$node->safe_psql('postgres', 'CREATE DATABASE plain');
$node->safe_psql('postgres',
	"ALTER DATABASE plain SET flakeid.layout = 'minimal'");
$node->safe_psql('plain', 'CREATE EXTENSION flakeid');
my ($out, $err) = psql_verbose($node, 'plain', 'SELECT flakeid_next();');
like(
	$err,
	qr/ERROR:  FL004: flakeid datacenter id 3 does not fit the layout's 0-bit datacenter field/,
	'minimal layout: datacenter 3 from the environment is FL004');
like($err, qr/HINT:  .*FLAKEID_DATACENTER_ID/,
	'the hint names the environment variable');
is($out, '', 'no ID is returned');

# postgresql.conf overrides the environment once the configuration is reloaded, for new
# sessions and for one that was already open.
my $bg = $node->background_psql('postgres', on_error_stop => 0);
is(bg_wait_node_ids($bg, '3|12'), '3|12', 'an open session uses 3 and 12');
$node->append_conf('postgresql.conf', 'flakeid.machine_id = 5');
$node->reload;
$node->poll_query_until('postgres',
	'SELECT machine_id = 5 FROM flakeid_decode(flakeid_next())')
  or die 'timed out waiting for the reload';
is($node->safe_psql('postgres', $decode_new_id),
	'3|5|3|5|t',
	'after a reload, flakeid.machine_id = 5 overrides FLAKEID_MACHINE_ID=12');
is(bg_wait_node_ids($bg, '3|5'),
	'3|5', 'the session open across the reload uses machine 5 too');
$bg->quit;

# Back to the environment, with a machine id too wide for twitter's 5 bits.
$node->stop;
$node->append_conf('postgresql.conf', 'flakeid.machine_id = -1');
start_with_env($node, '3', '40');
($out, $err) = psql_verbose($node, 'postgres', 'SELECT flakeid_next();');
like(
	$err,
	qr/ERROR:  FL005: flakeid machine id 40 does not fit the layout's 5-bit machine field/,
	'FLAKEID_MACHINE_ID=40 does not fit twitter: FL005');
like($err, qr/HINT:  .*FLAKEID_MACHINE_ID/,
	'the hint names the environment variable');

# An environment value that is not a number.
$node->stop;
start_with_env($node, '3', 'abc');
$bg = $node->background_psql('postgres', on_error_stop => 0);
bg_query($bg, '\set VERBOSITY verbose');
($out, $err) = bg_query($bg, 'SELECT flakeid_next()');
like(
	$err,
	qr/ERROR:  FL006: invalid flakeid node id "abc" in environment variable FLAKEID_MACHINE_ID/,
	'FLAKEID_MACHINE_ID=abc: flakeid_next() fails with FL006');
like($err, qr/HINT:  Fix FLAKEID_MACHINE_ID in the server's environment/,
	'the hint says what to fix');
is($out, '', 'no ID is returned');
($out, $err) = bg_query($bg, 'SELECT count(*) FROM flakeid_next_ids(3)');
like($err, qr/ERROR:  FL006: /, 'flakeid_next_ids fails with FL006 too');
($out, $err) = bg_query($bg, q{
	SELECT 1 + 1, d.machine_id FROM flakeid_decode(4194304 | 7 << 12, 'twitter') d});
is("$out|$err", '2|7|', 'after the error the session still runs queries');
($out, $err) = bg_query($bg, 'SELECT flakeid_next()');
like($err, qr/FL006/, 'the error does not go away by itself');

# Fixing the setting repairs the open session, without reconnecting.
$node->append_conf('postgresql.conf', 'flakeid.machine_id = 9');
$node->reload;
is(bg_wait_node_ids($bg, '3|9'),
	'3|9', 'after flakeid.machine_id = 9 and a reload, the same session gets IDs');
$bg->quit;

$node->stop;
done_testing();
