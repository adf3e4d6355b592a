# flakeid IDs through real client libraries: test/clients/psycopg2_test.py (Debian's
# python3-psycopg2), test/clients/sqlalchemy_test.py (Debian's python3-sqlalchemy, on a
# table moved to flakeid by flakeid_adopt()) and test/clients/node_test.js (node-postgres
# from npm, installed into test/clients/node_modules by `make clients-deps`, or Debian's
# node-pg) run against a throwaway server with the twitter layout. Each inserts through
# DEFAULT flakeid_next() and reads the IDs back; the Node script also shows where a
# JavaScript Number stops being exact.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $python = '/usr/bin/python3';    # Debian's, which has python3-psycopg2
my $clients_dir = 'test/clients';
my ($datacenter, $machine) = (3, 7);

# Runs a client script with the server's URI in its environment; returns (ok, output).
sub run_client
{
	my ($node, @cmd) = @_;
	local $ENV{FLAKEID_TEST_DSN} =
	  'postgresql:///postgres?host=' . $node->host . '&port=' . $node->port;
	local $ENV{FLAKEID_TEST_DATACENTER} = $datacenter;
	local $ENV{FLAKEID_TEST_MACHINE} = $machine;
	my $out = '';
	my $ok = IPC::Run::run(\@cmd, '<', \undef, '>&', \$out,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	note "@cmd:\n$out";
	return ($ok, $out);
}

my $node = PostgreSQL::Test::Cluster->new('clients');
$node->init;
$node->append_conf(
	'postgresql.conf', qq{
flakeid.datacenter_id = $datacenter
flakeid.machine_id = $machine
});
$node->start;
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	ALTER DATABASE postgres SET flakeid.layout = 'twitter'});

SKIP:
{
	skip "$python with psycopg2 missing (Debian package python3-psycopg2; make setup installs it)",
	  3
	  unless -x $python
	  && system("$python -c 'import psycopg2' 2>/dev/null") == 0;

	my ($ok, $out) =
	  run_client($node, $python, "$clients_dir/psycopg2_test.py");
	ok($ok, 'psycopg2_test.py exits with status 0');
	like(
		$out,
		qr/^ok: the ID read back equals the server's id::text: \d{18,19}$/m,
		'psycopg2: an ID inserted through the DEFAULT reads back as the same integer');
	like(
		$out,
		qr/^psycopg2 client: \d+ passed, 0 failed$/m,
		'psycopg2: every check passed');
}

# An ORM on a table moved to flakeid: SQLAlchemy makes a bigserial table, flakeid_adopt()
# moves it, and the ORM's own inserts read the server's keys back exactly.
SKIP:
{
	skip
	  "$python with SQLAlchemy missing (Debian package python3-sqlalchemy; make setup installs it)",
	  4
	  unless -x $python
	  && system("$python -c 'import sqlalchemy, psycopg2' 2>/dev/null") == 0;

	my ($ok, $out) =
	  run_client($node, $python, "$clients_dir/sqlalchemy_test.py");
	ok($ok, 'sqlalchemy_test.py exits with status 0');
	like(
		$out,
		qr/^ok: flakeid_adopt\('orm_orders'\) moved the table and dropped its sequence/m,
		'SQLAlchemy: flakeid_adopt() moves the bigserial table the ORM made');
	like(
		$out,
		qr/^ok: the key the ORM holds equals the server's id::text$/m,
		'SQLAlchemy: a key made by the server DEFAULT reads back through the ORM unchanged');
	like(
		$out,
		qr/^sqlalchemy client: \d+ passed, 0 failed$/m,
		'SQLAlchemy: every check passed');
}

# The Node script also makes IDs with the minimal layout, which has no node bits: there,
# datacenter 3 would be error FL004. Node ids back to 0 for it.
$node->append_conf('postgresql.conf',
	"flakeid.datacenter_id = 0\nflakeid.machine_id = 0");
$node->reload;
$node->poll_query_until('postgres',
	q{SELECT machine_id = 0 FROM flakeid_decode(flakeid_next())})
  or die 'timed out waiting for the reload';

SKIP:
{
	my $node_bin = `sh -c 'command -v node'`;
	chomp $node_bin;
	skip 'node missing (Debian packages nodejs and npm; make setup installs them)', 7
	  unless $node_bin;
	# node-postgres in test/clients/node_modules (npm) or where Debian's node-pg puts it.
	my $pg_module = `cd '$clients_dir' && '$node_bin' -p "require.resolve('pg')" 2>/dev/null`;
	chomp $pg_module;
	skip
	  "node-postgres missing: run 'make clients-deps' (npm install) first, or install node-pg",
	  7
	  unless $pg_module;
	note "node-postgres: $pg_module";

	my ($ok, $out) = run_client($node, $node_bin, "$clients_dir/node_test.js");
	ok($ok, 'node_test.js exits with status 0');
	like(
		$out,
		qr/^ok: default int8 parser: RETURNING id is the string \d{18,19}, equal to id::text$/m,
		'node-postgres: the default (string) keeps the ID intact');
	like($out, qr/^ok: int8 parsed as BigInt keeps it: \d+n$/m,
		'node-postgres: BigInt keeps the ID intact');
	like(
		$out,
		qr/^ok: reading IDs as Number silently changes them \(\d+ of 2000\)$/m,
		'node-postgres: a Number loses the low digits of twitter-layout IDs');
	like($out, qr/^ok: json_build_object\('id', id::text\) keeps all 2000 IDs exactly$/m,
		'node-postgres: JSON with the ID as text keeps it');
	like(
		$out,
		qr/^ok: the server decodes 2\^53 - 1 \(minimal\) to the same moment: 2298-09-26T15:10:22.207Z$/m,
		'minimal layout: IDs stay safe integers until 2298-09-26 (2^43 ms after 2020)');
	like(
		$out,
		qr/^node-postgres client: \d+ passed, 0 failed$/m,
		'node-postgres: every check passed');
}

$node->stop;
done_testing();
