# The server's high-water mark lives in the file flakeid_high_water of the data directory,
# with the identity of the server that wrote it, a format number and a CRC-32C checksum.
# A file that is damaged (cut short, a digit changed, emptied) or of a newer format is a
# data-corruption error (XX001) naming the file, at the first ID after a start and at the
# first renewal of a running server, and no ID comes until a good file is back. When the
# server cannot open it, flakeid
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
	qr/^\d{20} 3 0*$system 00000001 [0-9A-F]{16} [0-9A-F]{16} [0-9A-F]{8}\n$/,
	'it holds 20 digits of Unix milliseconds, format 3, the system identifier, the timeline, '
	  . 'the data directory and a checksum');
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
	'of a newer format' => substr($good, 0, 21) . '4' . substr($good, 22),
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

# flakeid 1.1's file (the mark alone) still reads; the next write is of format 3.
my $mark = $node->safe_psql('postgres', 'SELECT flakeid_next() IS NOT NULL');
$good = slurp_file($file);
put_file(substr($good, 0, 20) . "\n");
$node->restart;
my ($id) = try_next(0);
isnt($id, '', "flakeid 1.1's mark file is read after a restart");
like(slurp_file($file), qr/^\d{20} 3 /, 'and replaced by one of format 3');

$node->stop;
done_testing();
