# What flakeid remembers per database is bounded and forgets: a role with only CREATEDB
# creates 300 databases, makes an ID in each and drops it. Afterwards the first call of a
# new session in a database created later takes no longer than in one created before
# them, measured in the same run right after another session of that database made an
# ID (so its mark is ahead of the clock, renewed by the database itself). It is a bound,
# not a timing target: a session that waits for its database's own mark waits up to a
# second.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $databases = 300;
my $trials = 6;

my $node = PostgreSQL::Test::Cluster->new('many_databases');
$node->init;
$node->append_conf('postgresql.conf', 'log_statement = none');
$node->start;
$node->safe_psql('template1', 'CREATE EXTENSION flakeid');
$node->safe_psql('postgres', 'CREATE ROLE maker LOGIN CREATEDB');
$node->safe_psql('postgres', 'CREATE DATABASE early');
$node->safe_psql('early', 'SELECT flakeid_next()');

# As maker: create, use and drop the databases, one psql for all of them.
my $script = join '', map {
	"CREATE DATABASE churn_$_ STRATEGY file_copy;\n\\c churn_$_\nSELECT flakeid_next();\n"
	  . "\\c postgres\nDROP DATABASE churn_$_;\n"
} 1 .. $databases;
my $started = time;
my ($ret, $out, $err) = $node->psql('postgres', $script, extra_params => [ '-U', 'maker' ]);
is($ret, 0, "maker created, used and dropped $databases databases") or diag($err);
note sprintf('%d databases created, used and dropped in %.1f s', $databases, time - $started);
$node->safe_psql('postgres', 'CREATE DATABASE late');

# Milliseconds of the first flakeid_next() of new sessions in $db, each right after another
# new session of $db made an ID.
sub first_calls
{
	my ($db) = @_;
	my $script = join '', map {
		"\\c $db\nSELECT flakeid_next();\n\\c $db\n"
		  . "SELECT 'first call ' || round(extract(epoch FROM clock_timestamp() - "
		  . "statement_timestamp()) * 1000) FROM flakeid_next();\n"
	} 1 .. $trials;
	my $out = $node->safe_psql($db, $script);
	return sort { $a <=> $b } $out =~ /^first call (\d+)$/mg;
}

# The median of a sorted list.
sub median
{
	my @sorted = @_;
	return ($sorted[ $#sorted / 2 ] + $sorted[ @sorted / 2 ]) / 2;
}

my @early = first_calls('early');
my @late = first_calls('late');
note "first calls of new sessions, ms: early database @early; late database @late";
is(scalar @late, $trials, 'every new session in the late database made an ID');
cmp_ok(median(@late), '<', median(@early) + 250,
	'a new session in a database created after the churn does not wait for its mark');
cmp_ok($late[-1], '<', 900, 'no new session in it waits for about a second');

$node->stop;
done_testing();
