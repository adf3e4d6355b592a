# Issue 19's attacks 5 and 6 and the README's flakeid_guard_forget() grant, with real
# roles that are not superusers:
#   5. flakeid_adopt() by the owner of a table with FORCE ROW LEVEL SECURITY and a policy
#      that hides its largest keys: max(id) read under the policy would let a table whose
#      hidden keys lie above flakeid_min_id(now()) be adopted. flakeid_adopt() refuses
#      (42501) while a policy applies to the caller, and adopts once none does.
#   6. a role with only the TRIGGER privilege on a guarded table runs CREATE OR REPLACE
#      TRIGGER flakeid_guard ...: the trigger would go from ENABLE ALWAYS to ENABLE ORIGIN,
#      and a replicated row of a clashing node, refused with FL013 before, would land.
#      flakeid refuses the replacement (42501); flakeid_guarded_tables shows a guard that
#      its owner weakened or dropped.
#   8. flakeid_guard_forget() works for a role granted EXECUTE on it, as the README says.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $node = PostgreSQL::Test::Cluster->new('rls_guard');
$node->init;
$node->start;
$node->safe_psql(
	'postgres', q{
	CREATE ROLE shop_owner LOGIN;
	CREATE ROLE trigger_writer LOGIN;
	CREATE ROLE ops LOGIN;
	CREATE DATABASE shop OWNER shop_owner;
});
$node->safe_psql(
	'shop', q{
	CREATE EXTENSION flakeid;
	ALTER DATABASE shop SET flakeid.layout = 'twitter';
	GRANT EXECUTE ON FUNCTION flakeid_guard_forget(integer, integer) TO ops;
});

# Runs $sql in shop as $role; returns ('ok', output) or ('error', SQLSTATE, message).
sub as_role
{
	my ($role, $sql) = @_;
	my ($ret, $out, $err) = $node->psql('shop', "\\set VERBOSITY verbose\n$sql",
		on_error_stop => 1, extra_params => [ '-U', $role ]);
	return ('ok', $out) if $ret == 0;
	my ($state) = $err =~ /ERROR:  ([0-9A-Z]{5}):/;
	my ($line) = $err =~ /ERROR:  [0-9A-Z]{5}: (.*)/;
	return ('error', $state // 'none', $line // $err);
}

# ---- attack 5: flakeid_adopt() under FORCE ROW LEVEL SECURITY -----------------------
# Keys 1 and 2, and one far above the first flakeid key of now, which the policy hides from
# the owner.
as_role(
	'shop_owner', q{
	CREATE TABLE ledger (id bigserial PRIMARY KEY, total numeric);
	INSERT INTO ledger (total) VALUES (1), (2);
	INSERT INTO ledger VALUES (flakeid_min_id(now() + interval '1 day'), 3);
	ALTER TABLE ledger ENABLE ROW LEVEL SECURITY;
	ALTER TABLE ledger FORCE ROW LEVEL SECURITY;
	CREATE POLICY small_only ON ledger USING (id < 1000);
});
is_deeply(
	[ as_role('shop_owner', q{SELECT count(*) FROM ledger}) ],
	[ 'ok', '2' ],
	'attack 5: the policy hides the large key from the owner');
my @adopt = as_role('shop_owner', q{SELECT relation FROM flakeid_adopt(regclass 'ledger')});
is_deeply(
	[ @adopt[ 0, 1 ] ],
	[ 'error', '42501' ],
	'attack 5: flakeid_adopt() refuses a table whose rows a policy could hide from the caller'
) or diag(join(' | ', @adopt));
like($adopt[2] // '', qr/row-level security/,
	'attack 5: the refusal says why (row-level security)');
is( $node->safe_psql('shop',
		q{SELECT pg_get_expr(adbin, adrelid) LIKE 'nextval%' FROM pg_attrdef WHERE adrelid = 'ledger'::regclass}),
	't',
	'attack 5: the refused table keeps its sequence');
# Without the policy in the owner's way, every key is read: FL015 for the hidden one.
as_role('shop_owner', 'ALTER TABLE ledger NO FORCE ROW LEVEL SECURITY');
@adopt = as_role('shop_owner', q{SELECT relation FROM flakeid_adopt(regclass 'ledger')});
is_deeply([ @adopt[ 0, 1 ] ], [ 'error', 'FL015' ],
	'attack 5: with no policy applying to the owner, the hidden key is seen (FL015)')
  or diag(join(' | ', @adopt));
as_role('shop_owner', q{DELETE FROM ledger WHERE id > 1000});
as_role('shop_owner', 'ALTER TABLE ledger FORCE ROW LEVEL SECURITY');
# A superuser bypasses row-level security: it adopts (and reads every key).
is_deeply(
	[ as_role($node->safe_psql('postgres', 'SELECT current_user'),
		q{SELECT relation FROM flakeid_adopt(regclass 'ledger')}) ],
	[ 'ok', 'ledger' ],
	'attack 5: a superuser, whom no policy applies to, adopts the table');

# ---- attack 6: CREATE OR REPLACE TRIGGER flakeid_guard by a role with TRIGGER --------
# Keys of twitter, millisecond 1000, node (dc, m).
sub key { my ($dc, $m, $seq) = @_; return (1000 << 22) | ($dc << 17) | ($m << 12) | $seq; }
as_role(
	'shop_owner', q{
	CREATE TABLE events (id bigint PRIMARY KEY, note text);
	SELECT flakeid_guard(regclass 'events');
	GRANT TRIGGER ON events TO trigger_writer;
	GRANT EXECUTE ON FUNCTION flakeid_guard_trigger() TO trigger_writer;
});
$node->safe_psql('shop',
	q{SELECT pg_replication_origin_create('origin_a'), pg_replication_origin_create('origin_b')});
# A row as an apply worker writes it: replica role, a replication origin.
sub replicated
{
	my ($origin, $key) = @_;
	my ($ret, $out, $err) = $node->psql(
		'shop', qq{
		SET session_replication_role = replica;
		SELECT pg_replication_origin_session_setup('$origin');
		INSERT INTO events VALUES ($key, '$origin');
	});
	my ($state) = $err =~ /ERROR:  ([0-9A-Z]{5})/;
	return $ret == 0 ? 'ok' : 'error ' . ($err =~ /ERROR:  (.*)/)[0];
}
is(replicated('origin_a', key(1, 2, 1)), 'ok', 'attack 6: origin_a binds node (1, 2)');
like(replicated('origin_b', key(1, 2, 2)), qr/^error flakeid guard: node \(datacenter 1, machine 2\)/,
	'attack 6: a row of node (1, 2) from origin_b is refused');
my @replace = as_role(
	'trigger_writer', q{
	CREATE OR REPLACE TRIGGER flakeid_guard BEFORE INSERT OR UPDATE ON events
	  FOR EACH ROW EXECUTE FUNCTION flakeid_guard_trigger('id');
});
is_deeply([ @replace[ 0, 1 ] ], [ 'error', '42501' ],
	'attack 6: a role with TRIGGER only cannot replace the guard')
  or diag(join(' | ', @replace));
is( $node->safe_psql('shop',
		q{SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'events'::regclass AND tgname = 'flakeid_guard'}),
	'A',
	'attack 6: the guard stays ENABLE ALWAYS');
like(replicated('origin_b', key(1, 2, 3)), qr/^error flakeid guard: node \(datacenter 1, machine 2\)/,
	'attack 6: a row of node (1, 2) from origin_b is still refused');
# Nor another trigger that runs flakeid's function under another name.
@replace = as_role(
	'trigger_writer', q{
	CREATE TRIGGER a_guard BEFORE INSERT ON events
	  FOR EACH ROW EXECUTE FUNCTION flakeid_guard_trigger('note');
});
is_deeply([ @replace[ 0, 1 ] ], [ 'error', '42501' ],
	'attack 6: a role with TRIGGER only cannot install the guard\'s function as another trigger')
  or diag(join(' | ', @replace));

# What flakeid_guarded_tables shows (or the error: it is new in 1.4).
sub guarded_tables
{
	my ($ret, $out, $err) = $node->psql('shop',
		q{SELECT relation, key_column, enabled, guarding FROM flakeid_guarded_tables});
	return $ret == 0 ? $out : $err;
}

# The owner can weaken or drop its guard (ALTER TABLE and DROP TRIGGER are the owner's):
# flakeid_guarded_tables shows it.
is( guarded_tables(),
	'events|id|always|t', 'flakeid_guarded_tables: events, guarded');
as_role('shop_owner', 'ALTER TABLE events ENABLE TRIGGER flakeid_guard');
is( guarded_tables(),
	'events|id|origin|f', 'flakeid_guarded_tables: a guard set to ENABLE ORIGIN guards nothing');
as_role('shop_owner', 'DROP TRIGGER flakeid_guard ON events');
is( guarded_tables(),
	'events||gone|f', 'flakeid_guarded_tables: a table with bindings and no guard shows as gone');
as_role('shop_owner', q{SELECT flakeid_guard(regclass 'events')});
is( guarded_tables(),
	'events|id|always|t', 'flakeid_guarded_tables: guarded again by flakeid_guard()');

# ---- item 8: flakeid_guard_forget() by a role granted EXECUTE -----------------------
my @forget = as_role('ops', q{SELECT flakeid_guard_forget(1, 2)});
is_deeply(\@forget, [ 'ok', '1' ],
	'flakeid_guard_forget() by a role granted EXECUTE forgets node (1, 2)')
  or diag(join(' | ', @forget));
is_deeply([ @{ [ as_role('trigger_writer', q{SELECT flakeid_guard_forget(1, 3)}) ] }[ 0, 1 ] ],
	[ 'error', '42501' ], 'flakeid_guard_forget() by a role not granted EXECUTE: 42501');
is(replicated('origin_b', key(1, 2, 4)), 'ok', 'node (1, 2) binds anew, to origin_b');

$node->stop;
done_testing();
