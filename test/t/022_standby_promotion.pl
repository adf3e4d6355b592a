# Failover to a standby whose clock is an hour behind the primary's (libfaketime): the
# standby refuses to make IDs while it is one (read-only, like nextval()); once promoted,
# no ID it makes may be at or below an ID the primary committed. Under the default (wait)
# policy it refuses with FL001 or gives IDs above them; under the logical policy it gives
# IDs above them. No ID of the primary and the promoted standby repeats.
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
# No unique index on id: a repeated ID must be counted, not refused.
$primary->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	CREATE TABLE t (
		seq bigserial PRIMARY KEY,
		id bigint NOT NULL DEFAULT flakeid_next(),
		phase text NOT NULL);
});
$primary->backup('backup');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
set_clock('-3600');
start_faked($standby);
my $offset = clock_offset($standby);
note sprintf('standby clock: %+.3f s from the real time; primary: %+.3f s', $offset,
	clock_offset($primary));
cmp_ok(abs($offset + 3600), '<', 5, "the standby's clock is an hour behind");

# The primary commits IDs over about 2 s, in separate transactions: its high-water mark
# moves along, and streams to the standby.
my $sql = '';
for my $i (1 .. 20)
{
	$sql .= "SELECT pg_sleep(0.1);\n" if $i > 1;
	$sql .= "INSERT INTO t (phase) SELECT 'primary' FROM generate_series(1, 200);\n";
}
my $t0 = time;
$primary->safe_psql('postgres', $sql);
my $took = time - $t0;
$primary->wait_for_catchup($standby);
my ($committed, $max_primary) =
  split /\|/, $primary->safe_psql('postgres', 'SELECT count(*), max(id) FROM t');
note sprintf('primary: %d IDs committed over %.2f s, max ID %s', $committed, $took,
	$max_primary);
cmp_ok($took, '>=', 1.5, 'the primary committed IDs over at least 1.5 s');
is($standby->safe_psql('postgres', 'SELECT count(*), max(id) FROM t'),
	"$committed|$max_primary", 'the standby has every ID the primary committed');
is( $standby->safe_psql(
		'postgres', q{
		SELECT (SELECT last_value FROM flakeid_high_water) >
		       (flakeid_decode(max(id))).timestamp_ms FROM t}),
	't',
	"the standby has the primary's high-water mark, above its last ID");

# A standby makes no IDs: like nextval(), flakeid refuses in a read-only transaction.
my ($ret, $out, $err) = $standby->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT flakeid_next();
	SELECT count(*) FROM flakeid_next_ids(10);
	SELECT 'still usable', count(*) FROM t;},
	on_error_stop => 0);
note "on the standby: $err";
like($err,
	qr/ERROR:  25006: cannot execute flakeid_next\(\) in a read-only transaction/,
	'flakeid_next() on the standby is refused with SQLSTATE 25006');
like($err,
	qr/ERROR:  25006: cannot execute flakeid_next_ids\(\) in a read-only transaction/,
	'flakeid_next_ids() on the standby is refused with SQLSTATE 25006');
is($out, "still usable|$committed", 'the standby session stays usable');

# The primary dies; the standby is promoted, its clock still an hour behind.
$primary->stop('immediate');
$standby->promote;
$standby->poll_query_until('postgres', 'SELECT NOT pg_is_in_recovery()')
  or die 'the standby was not promoted';

# Default policy: each attempt, in a new session, is refused or gives IDs above the
# primary's.
(my $states, my $summary, $ret, $err) =
  attempts_then_next_ids($standby, 'hour behind', 3, 10);
note "promoted, an hour behind: 3 attempts: $summary";
is( $standby->safe_psql(
		'postgres',
		"SELECT count(*) FROM t WHERE phase = 'hour behind' AND id <= $max_primary"),
	0,
	'promoted an hour behind: no new ID at or below an ID of the primary');
is(scalar(grep { $_ ne 'FL001' } @$states),
	0, 'every refusal is FL001 (clock moved backwards)');
ok($ret == 0 || $err =~ /ERROR:  FL001/,
	'flakeid_next_ids() is refused with FL001 too, or gives IDs')
  or diag($err);

# Logical policy with a lead of 2 hours: IDs above every ID of the primary.
set_clock_policy($standby, 'logical', '2h');
my ($kind, $what) = attempt($standby, 'logical', 1000);
is("$kind $what", 'ok 1000', 'under the logical policy with a 2 h lead, IDs are issued');
my ($logical_min, $logical_not_above) = split /\|/,
  $standby->safe_psql(
	'postgres', qq{
	SELECT min(id), count(*) FILTER (WHERE id <= $max_primary)
	FROM t WHERE phase = 'logical'});
note "promoted standby: first logical ID $logical_min, max primary ID $max_primary";
is($logical_not_above, 0,
	'every logical ID of the promoted standby is above every ID of the primary');

# The standby's clock is set right, and the policy back to wait: IDs resume above
# everything. The logical IDs (and the mark) may still be ahead of the real clock for a
# moment: until it passes them, refusals are right, FL001 or, for what the ended lead let
# run ahead, FL012.
set_clock('+0');
set_clock_policy($standby, 'wait');
my $max_so_far = $standby->safe_psql('postgres', 'SELECT max(id) FROM t');
my $started = time;
my @refusals;
while (time < $started + 10)
{
	($kind, $what) = attempt($standby, 'clock right', 1000);
	last if $kind eq 'ok';
	push @refusals, $what;
	sleep 0.1;
}
note sprintf('clock right again: %d refusals (%s), IDs came after %.2f s',
	scalar @refusals, "@refusals", time - $started);
is("$kind $what", 'ok 1000', 'with the clock right again, IDs are issued within seconds');
is(scalar(grep { $_ !~ /^FL0(01|12)$/ } @refusals),
	0, 'every refusal meanwhile is FL001 or FL012');
is( $standby->safe_psql(
		'postgres',
		"SELECT count(*) FROM t WHERE phase = 'clock right' AND id <= $max_so_far"),
	0,
	'and they are above every ID made before');

# Every ID of the primary and the promoted standby: none repeats, and in the order they
# were made they increase.
my ($total, $distinct, $not_increasing) = id_order_counts($standby, 't');
note "primary and promoted standby: $total IDs, $distinct distinct, "
  . "$not_increasing not above the one before";
is($distinct, $total, 'no ID of the primary and the promoted standby repeats');
is($not_increasing, 0, 'in the order they were made, the IDs strictly increase');

$standby->stop;
done_testing();
