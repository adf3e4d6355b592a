# The server's high-water mark lives in the file flakeid_high_water of the data directory,
# with the identity of the server that wrote it, a format number and a CRC-32C checksum.
# A file that is damaged (cut short, a digit changed, emptied) or of a newer format is a
# data-corruption error (XX001) naming the file, at the first ID after a start and at the
# first renewal of a running server, and no ID comes until a good file is back. A crash
# between writing a new file and renaming it over the old one leaves the old one in force.
# When the server cannot open it, flakeid makes no ID it could not protect: IDs below the
# reservation already written are covered, and the first ID past it, which needs a new one,
# is a clear error (a file-access SQLSTATE, a message naming the file, a hint); the session
# stays usable, and IDs come again, above the earlier ones, once the file is writable again.
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
	qr/^\d{20} 4 0*$system 00000001 [0-9A-F]{16} [0-9A-F]{16} 00000000 [0-9A-F]{8}\n$/,
	'it holds 20 digits of Unix milliseconds, format 4, the system identifier, the timeline, '
	  . 'the data directory, no backup label (none was restored) and a checksum');
ok(!-e "$file.new", 'and no new file is left beside it');

# Not even readable by the server: once the reservation in force is used up, the next ID
# needs a new one, cannot have it, and says why.
chmod 0000, $file or die "chmod: $!";
my ($ret, $out, $err) = $node->psql(
	'postgres', q{
	\set VERBOSITY verbose
	SELECT pg_sleep(1.1);
	SELECT flakeid_next();});
isnt($ret, 0, 'no ID while the mark file cannot be opened');
like($err, qr/ERROR:  42501: could not open flakeid's mark file ".*\/flakeid_high_water"/,
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
like($err, qr/ERROR:  42501: could not open flakeid's mark file ".*\/flakeid_high_water"/,
	'after a restart, no ID while the mark file cannot be opened');

# Writable again: IDs resume, above the earlier ones.
chmod 0600, $file or die "chmod: $!";
is($node->safe_psql('postgres', "SELECT flakeid_next() > $before"),
	't', 'with the file writable again, IDs resume above the earlier ones');

# Writes the mark file's contents.
sub put_file
{
	my ($text) = @_;
	open my $fh, '>', $file or die "$file: $!";
	print $fh $text;
	close $fh or die "$file: $!";
	return;
}

# Asks for an ID in a new session; returns (the ID or '', stderr).
sub try_next
{
	my ($wait) = @_;
	my ($ret, $out, $err) = $node->psql(
		'postgres', qq{
		\\set VERBOSITY verbose
		SELECT pg_sleep($wait);
		SELECT flakeid_next();});
	return ($out =~ /^(\d+)$/m ? $1 : '', $err);
}

# Each damage, in a running server (found by the next renewal, a second on) and after a
# restart (found by the first ID); then the good file back, and IDs above the earlier ones.
my $good = slurp_file($file);
my $digit = substr($good, 10, 1);
my %damaged = (
	'cut short' => substr($good, 0, 50),
	'a digit of the mark changed' =>
	  substr($good, 0, 10) . (($digit + 1) % 10) . substr($good, 11),
	'emptied' => '',
	'of a newer format' => substr($good, 0, 21) . '5' . substr($good, 22),
	'a newer format of another length' => substr($good, 0, 21) . "12 of format 12\n");
for my $case (sort keys %damaged)
{
	my $last = $node->safe_psql('postgres', 'SELECT flakeid_next()');
	$good = slurp_file($file);
	put_file($damaged{$case});
	for my $when ('in a running server', 'after a restart')
	{
		$node->restart if $when eq 'after a restart';
		my ($id, $err) = try_next($when eq 'after a restart' ? 0 : 1.1);
		is($id, '', "a mark file $case, $when: no ID");
		like($err, qr/ERROR:  XX001: flakeid's mark file ".*\/flakeid_high_water" cannot be used/,
			"a mark file $case, $when: XX001 naming the file");
		like($err, qr/HINT:  Once the server's clock is known to be past every ID .* remove the file/,
			"a mark file $case, $when: the hint says how to recover");
	}
	put_file($good);
	my ($id) = try_next(0);
	ok($id ne '' && $id > $last, "a mark file $case: with the good file back, IDs resume above the last");
}

# A crash between writing the new file and renaming it over the old one leaves the old file
# whole and the new one beside it, here cut short: the old one is read, the new one never,
# and the next write replaces it.
my $last = $node->safe_psql('postgres', 'SELECT flakeid_next()');
PostgreSQL::Test::Utils::append_to_file("$file.new", substr(slurp_file($file), 0, 30));
$node->stop('immediate');
$node->start;
my ($after_crash, $crash_err) = try_next(0);
ok($after_crash ne '' && $after_crash > $last,
	'a crash left a new file cut short beside the mark file: it is not read, IDs resume above the last')
  or diag $crash_err;
ok(!-e "$file.new", 'and the next write renamed a whole new file over the mark file');

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
my ($file_mark) = slurp_file($file) =~ /^(\d{20}) 4 0*$system 00000001 /;
cmp_ok($file_mark // 0, '>=', $ahead, 'the file is written anew, as this server\'s, with that mark');
sleep 0.1 while Time::HiRes::time() * 1000 < $ahead + 100;
is($node->safe_psql('postgres', "SELECT flakeid_next() > $before"),
	't', 'once the clock has passed it, IDs resume above the earlier ones');

$node->stop;
done_testing();
