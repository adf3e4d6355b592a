# Who binds a node, with a real subscription (attack19 H1): on PostgreSQL 16 and later a
# subscription's owner need not be a superuser. Its apply worker binds a node only when the
# subscription's owner may INSERT into flakeid_guard_binding: until then the rows of a node
# no origin has brought are refused (FL013, naming the role and the GRANT) and nothing is
# bound; once the owner is granted the table, the worker's retry binds the node to the
# subscription's origin and the rows land. (On 15 a subscription's owner is a superuser.)
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $publisher = PostgreSQL::Test::Cluster->new('publisher');
if ($publisher->pg_version < 16)
{
	plan skip_all => 'a subscription of a role that is not superuser needs PostgreSQL 16';
}
my $table = q{CREATE TABLE events (id bigint PRIMARY KEY DEFAULT flakeid_next(), note text)};

$publisher->init(allows_streaming => 'logical');
$publisher->append_conf('postgresql.conf', twitter_node_conf(1, 5));
$publisher->start;
$publisher->safe_psql(
	'postgres', qq{
	CREATE EXTENSION flakeid; $table;
	CREATE PUBLICATION pub FOR TABLE events;
	INSERT INTO events (note) SELECT 'before' FROM generate_series(1, 10);});

my $hub = start_node('hub',
	conf => twitter_node_conf(1, 9) . "wal_retrieve_retry_interval = '300ms'\n");
# The subscription's owner: an application role that owns its table, with the right to own
# subscriptions; the superuser guards the table.
$hub->safe_psql(
	'postgres', qq{
	CREATE EXTENSION flakeid;
	CREATE ROLE app LOGIN;
	GRANT pg_create_subscription TO app;
	GRANT CREATE ON DATABASE postgres TO app;
	$table;
	ALTER TABLE events OWNER TO app;
	SELECT flakeid_guard(regclass 'public.events');
	CREATE SUBSCRIPTION sub CONNECTION '@{[ $publisher->connstr ]} dbname=postgres'
	  PUBLICATION pub WITH (enabled = false, password_required = false);
	ALTER SUBSCRIPTION sub OWNER TO app;
	ALTER SUBSCRIPTION sub ENABLE;});
my $origin = $hub->safe_psql('postgres', q{SELECT 'pg_' || oid FROM pg_subscription});

$hub->wait_for_log(qr/ERROR: .*flakeid guard: node \(datacenter 1, machine 5\) arrives from subscription "sub" \(replication origin "$origin"\), which may not bind it: role "app" may not insert into public\.flakeid_guard_binding/);
ok(1, 'the rows of an app-owned subscription are refused: its owner may not bind');
like(slurp_file($hub->logfile),
	qr/HINT: .*GRANT INSERT ON public\.flakeid_guard_binding TO app\./,
	'the hint names the GRANT');
is($hub->safe_psql('postgres', 'SELECT count(*) FROM flakeid_guard_bindings'),
	'0', 'nothing is bound');
is($hub->safe_psql('postgres', 'SELECT count(*) FROM events'), '0', 'no row landed');

# Trusted with the bindings, the owner's worker binds node 1/5 to the subscription's origin.
$hub->safe_psql('postgres', 'GRANT INSERT ON flakeid_guard_binding TO app');
$hub->poll_query_until('postgres', 'SELECT count(*) = 10 FROM events')
  or die 'the rows did not land after the GRANT';
$publisher->safe_psql('postgres', q{INSERT INTO events (note) VALUES ('after')});
$publisher->wait_for_catchup('sub');
is($hub->safe_psql('postgres', 'SELECT count(*) FROM events'), '11', 'every row landed');
is( $hub->safe_psql(
		'postgres', q{
		SELECT string_agg(datacenter_id || '/' || machine_id || '=' || origin || '=' || subscription, ',')
		FROM flakeid_guard_bindings}),
	"1/5=$origin=sub",
	'node 1/5 is bound to the subscription\'s origin');

$hub->stop;
$publisher->stop;
done_testing();
