# Shards that route by the key itself: four shard servers (node ids 0 to 3 from
# postgresql.conf, layout twitter) and a proxy running PL/Proxy with a cluster of those
# four, defined through SQL/MED. Everything runs the README's recipes as written (section
# "Shards behind PL/Proxy"). pgbench clients write events through the proxy's
# insert_event() (RUN ON hashtext(user_id)), each shard making the key with DEFAULT
# flakeid_next(); all must be distinct across the shards; every one must read back through
# the proxy's get_event() (RUN ON flakeid_node(id)) from the shard that holds it, as the
# shards' own function call counts show; a key of a node no shard has must be refused
# with a clear error, never answered with a wrong row.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use Time::HiRes qw(sleep);
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

require_engine('plproxy', 'plproxy');

my $shards = 4;
my $clients = 4;
my $transactions = 5000;    # per client: 20 000 events
my $events = $clients * $transactions;

# The README's recipes, each run in a session of its own in the database app.
my %recipe = map { $_ => readme_recipe($_) } qw(layout shard proxy);

# A server with the role app, the database app and the recipe 'layout' in it.
sub new_server
{
	my ($name, $conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', "log_statement = none\n$conf");
	$node->start;
	$node->safe_psql('postgres', 'CREATE ROLE app LOGIN; CREATE DATABASE app;');
	$node->safe_psql('app', $recipe{layout});
	return $node;
}

my @shard;
for my $n (0 .. $shards - 1)
{
	# track_functions counts each shard's calls of get_event and insert_event.
	my $node = new_server(
		"shard$n", qq{
flakeid.datacenter_id = 0
flakeid.machine_id = $n
track_functions = 'pl'
max_connections = 40
});
	$node->safe_psql('app', $recipe{shard});
	push @shard, $node;
}

# The proxy recipe with each shard's real address for its example one.
my $proxy_sql = $recipe{proxy};
my $addresses = 0;
$addresses += $proxy_sql =~
  s/'host=shard(\d) dbname=app'/"'host=" . $shard[$1]->host . ' port=' . $shard[$1]->port . " dbname=app'"/ge;
is($addresses, $shards, 'the README names one address per shard');
my $proxy = new_server('proxy', "max_connections = 40\n");
$proxy->safe_psql('app', $proxy_sql);

# Runs $sql on the proxy as the role app: ($ret, $stdout, $stderr).
sub as_app
{
	my ($sql) = @_;
	return $proxy->psql(
		'app', "\\set VERBOSITY verbose\n$sql",
		extra_params => [ '-U', 'app' ]);
}

# ---- one write and one read by hand ------------------------------------------------
my ($ret, $id, $err) = as_app(q{SELECT insert_event('alice', 'hello')});
is($ret, 0, 'insert_event through the proxy as the role app') or diag $err;
my $hash_shard = $proxy->safe_psql('app', q{SELECT hashtext('alice') & 3});
is($shard[$hash_shard]->safe_psql('app', "SELECT user_id FROM events WHERE id = $id"),
	'alice', "alice's event is on shard hashtext('alice') & 3 = $hash_shard");
is($proxy->safe_psql('app', "SELECT flakeid_node($id)"),
	$hash_shard, 'its key names that shard');
($ret, my $row, $err) = as_app("SELECT id, user_id, payload FROM get_event($id)");
is($row, "$id|alice|hello", 'get_event reads it back through the proxy') or diag $err;

# ---- 20 000 events from pgbench clients through the proxy ---------------------------
my $script = PostgreSQL::Test::Utils::tempdir() . '/insert_event.sql';
PostgreSQL::Test::Utils::append_to_file(
	$script, q{\set user random(1, 1000000)
SELECT insert_event('user-' || :user, 'event of client ' || :client_id);
});
my ($out, $bench_err) = ('', '');
my $bench_ok = IPC::Run::run(
	[
		'pgbench', '--no-vacuum', "--client=$clients",
		"--jobs=$clients", "--transactions=$transactions",
		"--file=$script", '--host=' . $proxy->host,
		'--port=' . $proxy->port, '--username=app',
		'app'
	],
	'>', \$out, '2>', \$bench_err);
ok($bench_ok, "pgbench: $clients clients x $transactions calls of insert_event")
  or diag $bench_err;
like(
	$out,
	qr/number of transactions actually processed: $events\/$events/,
	"pgbench processed all $events");

# Every shard's rows, gathered on the proxy with the shard they were found on.
$proxy->safe_psql(
	'app', q{
	CREATE TABLE found (shard integer, id bigint, user_id text, payload text);
	GRANT SELECT ON found TO app;});
my @on_shard;
for my $n (0 .. $shards - 1)
{
	my $rows = $shard[$n]->safe_psql('app',
		"COPY (SELECT $n, id, user_id, payload FROM events) TO STDOUT");
	$proxy->safe_psql('app', "COPY found FROM STDIN;\n$rows\n\\.\n");
	push @on_shard, $shard[$n]->safe_psql('app', 'SELECT count(*) FROM events');
	$shard[$n]->safe_psql('app', 'SELECT pg_stat_reset()');
}
my ($total, $distinct, $named) = split /\|/,
  $proxy->safe_psql('app',
	'SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE flakeid_node(id) = shard) '
	  . 'FROM found');
note "events per shard: @on_shard; total $total, distinct $distinct";
is($total, $events + 1, "all $events events and alice's are on the shards");
is($distinct, $total, 'every key is distinct across the shards');
is($named, $total, 'every key names the shard it is on (flakeid_node)');
ok((grep { $_ > $events / $shards / 2 } @on_shard) == $shards,
	"hashtext(user_id) spread the writes over all $shards shards (@on_shard)");

# ---- every event read back through the proxy ----------------------------------------
($ret, $out, $err) = as_app(
	q{SELECT count(*), count(*) FILTER (WHERE e.id = f.id AND e.user_id = f.user_id
	                                    AND e.payload = f.payload)
	  FROM found f CROSS JOIN LATERAL get_event(f.id) e});
is($ret, 0, 'get_event for every key through the proxy') or diag $err;
is($out, "$total|$total", "all $total events read back whole through get_event");

# Each shard's own count of get_event calls: each read ran on the shard holding the row.
# A shard's backends report their counts when idle (up to 10 s later): wait up to 60 s
# for every shard to count its own events, then compare whatever they count.
my $calls = q{SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions
	WHERE funcname = 'get_event'};
my @reads;
for my $try (1 .. 120)
{
	@reads = map { $shard[$_]->safe_psql('app', $calls) } 0 .. $shards - 1;
	last unless grep { $reads[$_] < $on_shard[$_] } 0 .. $shards - 1;
	sleep 0.5;
}
note "get_event calls per shard: @reads";
is("@reads", "@on_shard", 'each shard served exactly the reads of its own events');

# ---- keys that no shard holds -------------------------------------------------------
# A key of node 5 (datacenter 0, machine 5) made now: PL/Proxy wraps it onto shard
# 5 & 3 = 1, which refuses it; so does shard 0 for node 4, and shard 3 for node 1023.
for my $node (4, 5, 1023)
{
	my $key = $proxy->safe_psql('app',
		"SELECT flakeid_min_id(now()) | (${node}::bigint << 12) | 7");
	($ret, $out, $err) = as_app("SELECT * FROM get_event($key)");
	isnt($ret, 0, "a key of node $node is refused");
	like(
		$err,
		qr/ERROR:  22023: .*event $key was made by node $node, and this shard is node ${\($node & 3)}/,
		"node $node: the shard it wraps onto says whose key it is");
	like($err, qr/HINT:  Remote hint: No shard of this cluster holds keys of that node/,
		"node $node: with a hint");
}
# A key of an existing shard that was never made there: no row, not another row.
my $absent = $proxy->safe_psql('app', q{SELECT flakeid_min_id(now()) | (2 << 12) | 7});
($ret, $out, $err) = as_app("SELECT count(*) FROM get_event($absent)");
is($out, '0', 'a key of shard 2 that does not exist reads as no row') or diag $err;
# A negative key is refused on the proxy, before any shard.
($ret, $out, $err) = as_app('SELECT * FROM get_event(-5)');
like($err, qr/ERROR:  22003: -5 is not a flakeid/, 'a negative key is refused (22003)');

# A proxy whose layout is not the shards' (minimal has no node bits: every key is node 0)
# sends every key to shard 0; shard 0 refuses the keys it did not make.
my $key2 = $shard[2]->safe_psql('app', 'SELECT min(id) FROM events');
($ret, $out, $err) = $proxy->psql('app',
	"\\set VERBOSITY verbose\nSET flakeid.layout = 'minimal';\nSELECT * FROM get_event($key2)");
like(
	$err,
	qr/ERROR:  22023: .*event $key2 was made by node 2, and this shard is node 0/,
	'a proxy under another layout than the shards reaches no wrong row');

$_->stop for $proxy, @shard;
done_testing();
