# The server's high-water mark lives in the file flakeid_high_water of the data directory,
# with the identity of the server that wrote it. When the server cannot open it, flakeid
# makes no ID it could not protect: IDs below the reservation already written are covered,
# and the first ID past it, which needs a new one, is a clear error (a file-access
# SQLSTATE, a message naming the file, a hint); the session stays usable, and IDs come
# again, above the earlier ones, once the file is writable again.
#
# A file that does not name this server (here, one of flakeid 1.1's format, the mark
# alone) cannot vouch for the IDs of the databases: after a start, the marks of every
# database are read instead, each by a background worker, and the file is written anew
# as this server's. Without a worker slot to read them, no ID (FL008, a hint); with one
# again, IDs resume.
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

# A second database, with a mark of its own 12 s ahead of the clock (its IDs, as if made on
# a server with a fast clock; the refusal without workers takes 5 s); then the file of
# flakeid 1.1: the mark alone, 0.
$node->safe_psql('postgres', 'CREATE DATABASE other');
my $ahead = $node->safe_psql(
	'other', q{
	CREATE EXTENSION flakeid;
	SELECT setval('flakeid_high_water', (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 12000)});
$node->append_conf('postgresql.conf', 'max_worker_processes = 0');
$node->stop;
PostgreSQL::Test::Utils::append_to_file($file . '.old', sprintf("%020d\n", 0));
rename $file . '.old', $file or die "rename: $!";
$node->start;
($ret, $out, $err) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT flakeid_next();});
like($err, qr/ERROR:  FL008: flakeid could not read the high-water mark of database/,
	'a file that does not name this server, and no worker slot: FL008');
like($err, qr/HINT:  Raise max_worker_processes/, 'with a hint');
$node->adjust_conf('postgresql.conf', 'max_worker_processes', '8');
$node->restart;
($ret, $out, $err) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT flakeid_next();});
like($err, qr/ERROR:  FL001: /,
	"with workers again, the other database's mark, ahead of the clock, is read: refused (FL001)");
like(slurp_file($node->logfile), qr/flakeid read the high-water marks of 4 databases: the highest is $ahead/,
	'the server log names what was read');
my ($file_mark) = slurp_file($file) =~ /^(\d{20}) 0*$system 00000001 /;
cmp_ok($file_mark // 0, '>=', $ahead, 'the file is written anew, as this server\'s, with that mark');
sleep 0.1 while Time::HiRes::time() * 1000 < $ahead + 100;
is($node->safe_psql('postgres', "SELECT flakeid_next() > $before"),
	't', 'once the clock has passed it, IDs resume above the earlier ones');

$node->stop;
done_testing();
