# Adopted keys count for every resume rule (issue 20, item 3). A table holds keys made by
# another Snowflake-style generator of the same layout, up to just before now (10 a
# millisecond over the last second, node 0); flakeid_adopt() gives its key column DEFAULT
# flakeid_next(). Then the server's clock steps back to 1.5 s below the highest adopted
# key, whatever the adoption took (libfaketime): 20 inserts, each
# in a session of its own, must never repeat an adopted key (23505): they wait for the
# clock, or are refused (FL001), and every new key lies above the adopted ones. The same
# after an adoption followed at once by a crash (pg_ctl stop -m immediate), in another
# database, whose first IDs after the start come from a third one. And the entry point
# adopt calls, flakeid_resume_above(key), refuses a key of the future (FL015).
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

my $node = PostgreSQL::Test::Cluster->new('adopt_resume');
$node->init;
$node->append_conf('postgresql.conf', 'log_statement = none');
set_clock('+0');
start_faked($node);
for my $db ('a1', 'a2', 'other')
{
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, 'CREATE EXTENSION flakeid');
}
$node->safe_psql('other', 'CREATE TABLE t (id bigint PRIMARY KEY, phase text)');

# Fills $db's table t with keys of another generator up to just before now, adopts it in
# the same transaction, and steps the clock back to $below_ms below the highest key at
# once (before the start after a crash, when $crash). Returns the highest adopted key.
sub adopt_foreign_keys_and_step_back
{
	my ($db, $crash, $below_ms) = @_;
	my $adopted = $node->safe_psql(
		$db, q{
		BEGIN;
		CREATE TABLE t (id bigserial PRIMARY KEY, phase text);
		INSERT INTO t (id, phase)
		SELECT flakeid_min_id(now() - g * interval '1 millisecond') + s, 'foreign'
		FROM generate_series(1, 1000) g, generate_series(0, 9) s;
		SELECT relation || ': ' || previous FROM flakeid_adopt('t');
		COMMIT;});
	my ($max, $max_ms) = split /\|/,
	  $node->safe_psql($db, 'SELECT max(id), (flakeid_decode(max(id))).timestamp_ms FROM t');
	$node->stop('immediate') if $crash;
	set_clock(sprintf('%+.3f', ($max_ms - $below_ms) / 1000 - time));
	start_faked($node) if $crash;
	note "$db: adopted $adopted";
	return $max;
}

# 20 inserts into $db's t through the DEFAULT, each in a session of its own:
# "N ok, N 23505, N FL001" and how many new keys lie at or below $max.
sub twenty_inserts
{
	my ($db, $phase, $max) = @_;
	my %outcomes;
	for my $i (1 .. 20)
	{
		my ($kind, $state) =
		  try_sql($node, $db, "INSERT INTO t (phase) VALUES ('$phase')");
		$outcomes{ $kind eq 'ok' ? 'ok' : $state }++;
	}
	my $summary = join(', ', map { "$outcomes{$_} $_" } sort keys %outcomes);
	note "$phase: $summary";
	is($outcomes{23505} // 0, 0, "$phase: no insert repeats an adopted key (23505)");
	is_deeply([ grep { $_ ne 'ok' && $_ ne 'FL001' } keys %outcomes ],
		[], "$phase: every insert is made or refused with FL001");
	is($node->safe_psql($db, "SELECT count(*) FROM t WHERE phase = '$phase' AND id <= $max"),
		0, "$phase: every new key lies above the adopted ones");
	return;
}

# A running server.
my $max = adopt_foreign_keys_and_step_back('a1', 0, 1500);
twenty_inserts('a1', 'after adoption', $max);

# An adoption followed at once by a crash; after the start, another database first.
set_clock('+0');
sleep 2.5;    # past the IDs made above on the slow clock, and their reservation
$max = adopt_foreign_keys_and_step_back('a2', 1, 3000);
my ($kind, $state) =
  try_sql($node, 'other', "INSERT INTO t SELECT flakeid_next_ids(2000), 'other'");
note "other database first after the crash: $kind " . ($state // '');
is($node->safe_psql('other', "SELECT count(*) FROM t WHERE id <= $max"),
	0, "after the crash, the other database's first IDs lie above the adopted keys");
twenty_inserts('a2', 'after adoption and a crash', $max);

# The entry point: a key of now or later is refused, whoever calls it.
set_clock('+0');
$node->safe_psql('postgres', 'CREATE ROLE plain LOGIN');
my ($ret, $out, $err) = $node->psql(
	'a1', q{
	\set VERBOSITY verbose
	SET ROLE plain;
	SELECT flakeid_resume_above(flakeid_min_id(now() + interval '1 hour'));});
like($err, qr/ERROR:  FL015: key \d+ is not below the first flakeid key of now/,
	'flakeid_resume_above() refuses a key of the future (FL015)');
($ret, $out, $err) = $node->psql(
	'a1', q{
	\set VERBOSITY verbose
	SET ROLE plain;
	SELECT flakeid_resume_above(flakeid_min_id(now() - interval '1 second'));
	SELECT 'done';});
like($out, qr/done/, 'and takes one made before now from any role that may make IDs');

$node->stop;
done_testing();
