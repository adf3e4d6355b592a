# The server's high-water mark lives in the file flakeid_high_water of the data directory.
# When the server cannot open it, flakeid makes no ID it could not protect: a clear error
# (a file-access SQLSTATE, a message naming the file, a hint), the session stays usable,
# and IDs come again, above the earlier ones, once the file is writable again.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep);

my $node = PostgreSQL::Test::Cluster->new('mark_file');
$node->init;
$node->start;
my $before = $node->safe_psql('postgres',
	'CREATE EXTENSION flakeid; SELECT max(id) FROM flakeid_next_ids(10) AS id');
my $file = $node->data_dir . '/flakeid_high_water';
ok(-f $file, 'the first IDs wrote the server mark file');
like(slurp_file($file), qr/^\d{20}\n$/, 'it holds 20 digits of Unix milliseconds');

# Not even readable by the server: a new session cannot resume, and says why.
chmod 0000, $file or die "chmod: $!";
my ($ret, $out, $err) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT flakeid_next();});
isnt($ret, 0, 'no ID while the mark file cannot be opened');
like($err, qr/ERROR:  42501: could not open and lock flakeid's mark file "flakeid_high_water"/,
	'the error names the file, with the SQLSTATE of a denied file access');
like($err, qr/HINT:  flakeid keeps the server's high-water mark in the data directory/,
	'and a hint');
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server goes on');

# Writable again: IDs resume, above the earlier ones.
chmod 0600, $file or die "chmod: $!";
is($node->safe_psql('postgres', "SELECT flakeid_next() > $before"),
	't', 'with the file writable again, IDs resume above the earlier ones');

$node->stop;
done_testing();
