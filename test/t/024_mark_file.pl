# The server's high-water mark lives in the file flakeid_high_water of the data directory,
# with the identity of the server that wrote it. When the server cannot open it, flakeid
# makes no ID it could not protect: IDs below the reservation already written are covered,
# and the first ID past it, which needs a new one, is a clear error (a file-access
# SQLSTATE, a message naming the file, a hint); the session stays usable, and IDs come
# again, above the earlier ones, once the file is writable again.
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
my $system = $node->safe_psql('postgres', 'SELECT system_identifier FROM pg_control_system()');
like(
	slurp_file($file),
	qr/^\d{20} 0*$system 00000001 [0-9A-F]{16} [0-9A-F]{16}\n$/,
	'it holds 20 digits of Unix milliseconds, the system identifier, the timeline and the '
	  . 'data directory');

# Not even readable by the server: once the reservation in force is used up, the next ID
# needs a new one, cannot have it, and says why.
chmod 0000, $file or die "chmod: $!";
my ($ret, $out, $err) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT pg_sleep(1.1);
	SELECT flakeid_next();});
isnt($ret, 0, 'no ID while the mark file cannot be opened');
like($err, qr/ERROR:  42501: could not open and lock flakeid's mark file "flakeid_high_water"/,
	'the error names the file, with the SQLSTATE of a denied file access');
like($err, qr/HINT:  flakeid keeps the server's high-water mark in the data directory/,
	'and a hint');
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server goes on');

# Restarted with the file still unreadable: the first ID after the start needs the file
# to know where to resume, and is refused the same way.
$node->restart;
($ret, $out, $err) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT flakeid_next();});
like($err, qr/ERROR:  42501: could not open and lock flakeid's mark file "flakeid_high_water"/,
	'after a restart, no ID while the mark file cannot be opened');

# Writable again: IDs resume, above the earlier ones.
chmod 0600, $file or die "chmod: $!";
is($node->safe_psql('postgres', "SELECT flakeid_next() > $before"),
	't', 'with the file writable again, IDs resume above the earlier ones');

$node->stop;
done_testing();
