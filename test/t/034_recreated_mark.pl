# Every committed ID lies below its database's mark (a promotion resumes above the marks,
# test/t/026), also right after DROP EXTENSION flakeid and CREATE EXTENSION, which start
# the mark at 0 again. A session that made IDs before keeps its reservation of about a
# second; it must not hand out IDs above the new mark without writing it first.
#
# Fails today: the session's IDs after the re-create are committed while the new mark
# still says 0, for up to a second (until its reservation runs out): a standby promoted
# then would not find them in any mark.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('recreated_mark');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION flakeid');
$node->safe_psql('postgres', 'CREATE TABLE t (id bigint PRIMARY KEY, phase text NOT NULL)');

# One session: IDs, the extension dropped and created again, IDs at once; then the mark
# against the highest ID committed (in Unix ms).
my $out = $node->safe_psql(
	'postgres', q{
	INSERT INTO t SELECT flakeid_next(), 'before';
	DROP EXTENSION flakeid CASCADE;
	CREATE EXTENSION flakeid;
	INSERT INTO t SELECT flakeid_next(), 'after';
	SELECT (SELECT last_value FROM flakeid_high_water),
	       (SELECT (extract(epoch FROM flakeid_timestamp(max(id))) * 1000)::bigint FROM t);});
my ($mark, $last) = split /\|/, $out;
note "the new mark: $mark; the last ID committed: $last (Unix ms)";
cmp_ok($mark, '>', $last,
	'the database mark lies above the IDs the session made after the re-create');

$node->stop;
done_testing();
