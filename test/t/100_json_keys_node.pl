# Issue 24's acceptance test: keys through PostgreSQL's JSON functions into JavaScript.
# One call of flakeid_next_ids(10000) under the twitter layout makes 10 000 keys within a
# few milliseconds (neighbours differ only in their last bits); they go into a bigint
# column and into a flakeid column. test/clients/json_keys_test.js (node-postgres) builds
# json_agg and row_to_json over each table, parses it with JSON.parse, and compares every
# key with the server's id::text. On bigint the keys are JSON numbers, which JavaScript
# rounds to 53 bits: most keys change and neighbours collide. On flakeid they are strings:
# every key is exact.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $clients_dir = 'test/clients';
my $node_bin = `sh -c 'command -v node'`;
chomp $node_bin;
plan skip_all => 'node missing (Debian packages nodejs and npm; make setup installs them)'
  unless $node_bin;
my $pg_module = `cd '$clients_dir' && '$node_bin' -p "require.resolve('pg')" 2>/dev/null`;
chomp $pg_module;
plan skip_all =>
  "node-postgres missing: run 'make clients-deps' (npm install) first, or install node-pg"
  unless $pg_module;

my $node = PostgreSQL::Test::Cluster->new('json_keys');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	ALTER DATABASE postgres SET flakeid.layout = 'twitter'});
$node->safe_psql(
	'postgres', q{
	CREATE TABLE json_keys_flakeid (id flakeid PRIMARY KEY DEFAULT flakeid_next(), n integer);
	CREATE TABLE json_keys_bigint (id bigint PRIMARY KEY DEFAULT flakeid_next(), n integer);
	INSERT INTO json_keys_flakeid (id, n)
	  SELECT k.id, k.n FROM flakeid_next_ids(10000) WITH ORDINALITY AS k(id, n);
	INSERT INTO json_keys_bigint (id, n) SELECT id, n FROM json_keys_flakeid;
});
is( $node->safe_psql(
		'postgres', q{
	SELECT count(*) FROM json_keys_bigint b JOIN json_keys_flakeid f ON b.id = f.id
	 WHERE b.id > 9007199254740992}),
	'10000',
	'the same 10 000 keys, all above 2^53, in a bigint and in a flakeid column');

local $ENV{FLAKEID_TEST_DSN} =
  'postgresql:///postgres?host=' . $node->host . '&port=' . $node->port;
my $out = '';
my $ok = IPC::Run::run([ $node_bin, "$clients_dir/json_keys_test.js" ],
	'<', \undef, '>&', \$out, IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
note "json_keys_test.js:\n$out";
ok($ok, 'json_keys_test.js exits with status 0');

# The figures of one table, from its `result` line.
sub result
{
	my ($table) = @_;
	my ($line) = $out =~ /^result $table: (.*)$/m
	  or return {};
	return { map { split /=/, $_, 2 } split / /, $line };
}

my $bigint = result('json_keys_bigint');
my $flakeid = result('json_keys_flakeid');
# One bulk call makes them as fast as the layout allows (4096 a millisecond), a few ms on
# an idle machine, tens on a loaded one: at least 100 keys a millisecond is what matters,
# neighbours that differ in their last bits only.
cmp_ok($bigint->{span_ms} // 1e9, '<=', 100,
	"the keys were made within $bigint->{span_ms} ms (at least 100 a millisecond)");
is($bigint->{keys}, 10000, 'node read 10 000 keys of the bigint table');
is($bigint->{agg_type}, 'number', 'bigint: json_agg gives each key as a JSON number');
cmp_ok($bigint->{agg_changed}, '>', 5000,
	"bigint: JSON.parse of json_agg changes $bigint->{agg_changed} of 10 000 keys");
cmp_ok($bigint->{agg_collided}, '>', 5000,
	"bigint: $bigint->{agg_collided} keys share their parsed value with another");
cmp_ok($bigint->{row_changed}, '>', 5000,
	"bigint: JSON.parse of row_to_json changes $bigint->{row_changed} keys");

is($flakeid->{type}, 'flakeid', 'the second table is keyed by the flakeid type');
is($flakeid->{top_type} . ' ' . $flakeid->{top_changed}, 'string 0',
	'flakeid: node-postgres reads the column itself as a string, every key exact');
is($flakeid->{keys}, 10000, 'node read 10 000 keys of the flakeid table');
is($flakeid->{agg_type}, 'string', 'flakeid: json_agg gives each key as a JSON string');
is($flakeid->{agg_changed}, '0', 'flakeid: every key of json_agg parses exactly');
is($flakeid->{agg_collided}, '0', 'flakeid: no two keys collide');
is($flakeid->{row_type}, 'string', 'flakeid: row_to_json gives each key as a string');
is($flakeid->{row_changed}, '0', 'flakeid: every key of row_to_json parses exactly');
is($flakeid->{row_collided}, '0', 'flakeid: no two keys of row_to_json collide');

$node->stop;
done_testing();
