# flakeid_adopt() on a live table and through pg_dump. pgbench sessions (simple and
# prepared protocol) insert into a bigserial table while another session adopts it: no
# insert fails, every row made before the adoption has a sequence key, every row after it a
# flakeid key above all of those. Then pg_dump and pg_restore of the adopted tables (one
# whose sequence was dropped, one kept, one identity remade) give the same rows, the
# DEFAULT flakeid_next(), the kept sequences with their values and owned by no column, and
# new keys above the old ones.
use strict;
use warnings FATAL => 'all';

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);

my $seconds = 6;    # how long each pgbench runs
my $clients = 3;    # clients of each pgbench

my $node = PostgreSQL::Test::Cluster->new('adopt');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	CREATE TABLE t (id bigserial PRIMARY KEY,
	                made_at timestamptz NOT NULL DEFAULT clock_timestamp(), mode text);
	INSERT INTO t (mode) SELECT 'before' FROM generate_series(1, 1000);
});

# ---- inserts while the table is adopted ----------------------------------------------
my $script = PostgreSQL::Test::Utils::tempdir() . '/insert.sql';
PostgreSQL::Test::Utils::append_to_file($script,
	"INSERT INTO t (mode) VALUES (current_setting('application_name'));\n");
my %run;
for my $mode ('simple', 'prepared')
{
	my ($out, $err) = ('', '');
	local $ENV{PGAPPNAME} = $mode;    # each row says which pgbench inserted it
	$run{$mode} = {
		harness => IPC::Run::start(
			[
				'pgbench', '--no-vacuum', "--client=$clients", "--time=$seconds",
				"--protocol=$mode", "--file=$script",
				'--host=' . $node->host, '--port=' . $node->port, 'postgres'
			],
			'>', \$out, '2>', \$err,
			IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default)),
		out => \$out,
		err => \$err
	};
}
# Let the sessions insert through the sequence a while, then adopt, holding the lock for a
# second so that inserts queue behind it.
sleep($seconds / 3);
my $adopted = $node->safe_psql(
	'postgres', q{
	BEGIN;
	SELECT relation || ' ' || sequence_now FROM flakeid_adopt('t');
	SELECT pg_sleep(1);
	COMMIT;
});
is((split /\n/, $adopted)[0], 't dropped',
	'flakeid_adopt() adopts the table while pgbench inserts into it');
my $processed = 0;
for my $mode (sort keys %run)
{
	my $ok = eval { $run{$mode}{harness}->finish };
	my $out = ${ $run{$mode}{out} } . ${ $run{$mode}{err} };
	note "pgbench $mode:\n$out";
	ok($ok, "pgbench ($mode protocol) exits with status 0");
	unlike($out, qr/number of failed transactions: [1-9]/,
		"pgbench ($mode protocol) had no failed transaction");
	my ($n) = $out =~ /number of transactions actually processed: (\d+)/;
	$processed += $n // 0;
}
my ($rows, $seq_rows, $flake_rows, $ordered, $made_apart, $modes) = split /\|/,
  $node->safe_psql(
	'postgres', q{
	WITH k AS (SELECT *, id < flakeid_min_id('2020-01-02 00:00:00+00') AS by_sequence FROM t)
	SELECT count(*) - 1000,
	       count(*) FILTER (WHERE by_sequence AND mode <> 'before'),
	       count(*) FILTER (WHERE NOT by_sequence),
	       max(id) FILTER (WHERE by_sequence) < min(id) FILTER (WHERE NOT by_sequence),
	       max(made_at) FILTER (WHERE by_sequence) < min(made_at) FILTER (WHERE NOT by_sequence),
	       count(DISTINCT mode) FILTER (WHERE NOT by_sequence)
	FROM k});
note "$rows rows inserted by pgbench: $seq_rows through the sequence, $flake_rows through flakeid_next()";
is($rows, $processed, 'every transaction pgbench counted inserted its row');
cmp_ok($seq_rows, '>', 0, 'rows were inserted through the sequence before the adoption');
cmp_ok($flake_rows, '>', 0, 'and through flakeid_next() after it');
is($modes, 2, 'by sessions of both protocols (a prepared INSERT picks up the new default)');
is($ordered, 't', 'every flakeid key is above every sequence key');
is($made_apart, 't',
	'every row made before the adoption has a sequence key, every row after it a flakeid key');
is($node->safe_psql('postgres', q{SELECT to_regclass('t_id_seq') IS NULL}),
	't', 'the sequence is gone');

# ---- pg_dump and pg_restore of adopted tables ----------------------------------------
$node->safe_psql(
	'postgres', q{
	CREATE TABLE kept (id bigserial PRIMARY KEY, v text);
	INSERT INTO kept (v) SELECT 'old' FROM generate_series(1, 50);
	SELECT flakeid_adopt('kept', drop_sequence => false);
	CREATE TABLE ident (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
	INSERT INTO ident (v) SELECT 'old' FROM generate_series(1, 20);
	SELECT flakeid_adopt('ident', drop_sequence => false);
	INSERT INTO kept (v) VALUES ('new');
	INSERT INTO ident (v) VALUES ('new');
});
my $digest = q{SELECT string_agg(tbl || ':' || n || ':' || md5, ' ' ORDER BY tbl) FROM (
	SELECT 't' AS tbl, count(*) AS n, md5(string_agg(id || mode, ',' ORDER BY id)) FROM t
	UNION ALL SELECT 'kept', count(*), md5(string_agg(id || v, ',' ORDER BY id)) FROM kept
	UNION ALL SELECT 'ident', count(*), md5(string_agg(id || v, ',' ORDER BY id)) FROM ident) s};
my $sequences = q{SELECT string_agg(s || '=' || v, ' ' ORDER BY s) FROM (
	SELECT 'kept_id_seq' AS s, last_value AS v FROM kept_id_seq
	UNION ALL SELECT 'ident_id_seq', last_value FROM ident_id_seq) q};
my $owned = q{SELECT count(*) FROM pg_depend WHERE classid = 'pg_class'::regclass
	AND objid IN ('kept_id_seq'::regclass, 'ident_id_seq'::regclass) AND deptype IN ('a', 'i')};
my $src_digest = $node->safe_psql('postgres', $digest);
my $src_sequences = $node->safe_psql('postgres', $sequences);
is($src_sequences, 'ident_id_seq=20 kept_id_seq=50',
	'the kept sequences hold their last values');

my $dump = PostgreSQL::Test::Utils::tempdir() . '/adopted.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', 'postgres' ],
	'pg_dump of the database with the adopted tables');
my ($sql, $stderr) = ('', '');
IPC::Run::run([ 'pg_restore', '-f', '-', $dump ], '>', \$sql, '2>', \$stderr)
  or die "pg_restore -f - failed: $stderr";
my $defaults = () = $sql =~ /^\s+id bigint DEFAULT public\.flakeid_next\(\) NOT NULL/mg;
is($defaults, 3, 'the dump gives each adopted table DEFAULT flakeid_next()');
unlike($sql, qr/OWNED BY public\.(kept|ident)\.id|GENERATED ALWAYS AS IDENTITY/,
	'the kept sequences belong to no column, and no identity is left');

$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', 'restored', $dump ],
	'pg_restore into a new database');
is($node->safe_psql('restored', $digest), $src_digest,
	'the restored tables hold the same rows and keys');
is($node->safe_psql('restored', $sequences), $src_sequences,
	'the kept sequences come back with their values');
is($node->safe_psql('restored', $owned), 0, 'owned by no column');
my $above = $node->safe_psql(
	'restored', q{
	WITH before AS (SELECT (SELECT max(id) FROM t) AS t, (SELECT max(id) FROM kept) AS kept,
	                       (SELECT max(id) FROM ident) AS ident),
	     nt AS (INSERT INTO t (mode) VALUES ('restored') RETURNING id),
	     nk AS (INSERT INTO kept (v) VALUES ('restored') RETURNING id),
	     ni AS (INSERT INTO ident (v) VALUES ('restored') RETURNING id)
	SELECT (SELECT id FROM nt) > t AND (SELECT id FROM nk) > kept AND (SELECT id FROM ni) > ident
	FROM before});
is($above, 't', 'rows inserted after the restore get keys above the old ones');

$node->stop;
done_testing();
