# The replication guard in a mesh: two primaries that subscribe to each other were both
# given node 1/7. Each guards its table; the first row each one receives carries the
# receiving server's own node id, so the guard refuses it on both sides and neither table
# holds a row of the other. A third primary with its own node (1/8) subscribed by both
# shows the guard lets honest rows through beside the refused ones.
#
# The same mesh runs twice, on a table keyed by bigint (database postgres) and on one keyed
# by the extension's flakeid type (database typed, subscriptions typed_sub_...): each
# database has its own subscriptions and apply workers, so a refusal in one stops nothing
# in the other, and the guard must refuse and let through the same rows in both.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my %machine = (a => 7, b => 7, c => 8);
my @names = sort keys %machine;
# Each key type: its database, and the prefix of its subscriptions' names (replication
# slots are named for them, and a publisher's slots are the whole server's).
my @types = (
	{ type => 'bigint', db => 'postgres', sub => '' },
	{ type => 'flakeid', db => 'typed', sub => 'typed_' });
my %node;
for my $name (@names)
{
	my $n = start_node(
		"mesh_$name",
		init => { allows_streaming => 'logical' },
		conf => twitter_node_conf(1, $machine{$name})
		  . "wal_retrieve_retry_interval = '300ms'\n"
		  . "max_logical_replication_workers = 8\nmax_worker_processes = 16\n");
	$n->safe_psql('postgres', 'CREATE DATABASE typed');
	for my $t (@types)
	{
		$n->safe_psql(
			$t->{db}, qq{
			CREATE EXTENSION flakeid;
			CREATE TABLE events (id $t->{type} PRIMARY KEY DEFAULT flakeid_next(), origin text);
			SELECT flakeid_guard('events');
			CREATE PUBLICATION pub_$name FOR TABLE events;});
	}
	$node{$name} = $n;
}
is($node{a}->safe_psql('typed', q{SELECT format_type(atttypid, NULL) FROM pg_attribute
	  WHERE attrelid = 'events'::regclass AND attname = 'id'}),
	'flakeid', 'the table of database typed is keyed by flakeid');

# a and b subscribe to each other; both subscribe to c. No initial copy: the tables are
# empty, and on 15 the subscriptions cannot ask for origin = none (16), so without the
# guard a row would travel a -> b -> a.
my @subscriptions = (['a', 'b'], ['b', 'a'], ['a', 'c'], ['b', 'c']);
for my $t (@types)
{
	for my $s (@subscriptions)
	{
		my ($to, $from) = @$s;
		subscribe($node{$to}, "$t->{sub}sub_${to}_from_$from", $node{$from}, "pub_$from",
			'copy_data = false', $t->{db});
	}
	$node{$_}->wait_for_subscription_sync(undef, undef, $t->{db}) for qw(a b);
}

for my $t (@types)
{
	for my $name (@names)
	{
		$node{$name}->safe_psql($t->{db},
			"INSERT INTO events (origin) SELECT '$name' FROM generate_series(1, 10)");
	}
}

for my $t (@types)
{
	my ($type, $db, $prefix) = @$t{qw(type db sub)};
	# Each side refuses the other's first row: it carries the receiver's own node.
	for my $s (['a', 'b'], ['b', 'a'])
	{
		my ($to, $from) = @$s;
		my $re = qr/ERROR:  (?:FL013: )?flakeid guard: node \(datacenter 1, machine 7\) arrives from subscription "${prefix}sub_${to}_from_$from" \(replication origin "pg_\d+"\) but is this server's own node id/;
		$node{$to}->wait_for_log($re, 0);
		my ($line) = slurp_file($node{$to}->logfile) =~ /^(.*$re.*)$/m;
		note "$to logs: $line";
		pass("$type: $to refuses the first row from $from: its own node id");
	}
	# c's rows reach both; a's and b's own rows stay where they were made.
	$node{c}->wait_for_catchup("${prefix}sub_${_}_from_c") for qw(a b);
	for my $name (qw(a b))
	{
		is( $node{$name}->safe_psql(
				$db,
				q{SELECT string_agg(origin || ':' || n, ' ' ORDER BY origin)
				  FROM (SELECT origin, count(*) AS n FROM events GROUP BY origin) s}),
			"$name:10 c:10",
			"$type: $name holds its own 10 rows and the 10 of c, none of the other primary");
		is( $node{$name}->safe_psql(
				$db,
				q{SELECT string_agg(machine_id || '=' || subscription, ' ' ORDER BY machine_id)
				  FROM flakeid_guard_bindings}),
			"8=${prefix}sub_${name}_from_c",
			"$type: $name binds only node 1/8, to its subscription to c");
	}
}
# The guard's trigger never refused a row for its key's type.
for my $name (qw(a b))
{
	unlike(slurp_file($node{$name}->logfile),
		qr/not bigint or flakeid|is not a bigint/, "$name: no key refused for its type");
}
ok( $node{a}->poll_query_until(
		'postgres', q{
		SELECT string_agg(subname, ' ' ORDER BY subname) FROM pg_stat_subscription_stats
		WHERE apply_error_count > 0},
		'sub_a_from_b typed_sub_a_from_b'),
	'on a, only the subscriptions to b count apply errors, one per key type');

$node{$_}->stop for @names;
done_testing();
