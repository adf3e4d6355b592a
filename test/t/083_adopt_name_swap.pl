# flakeid_adopt() run by a superuser on a table another role can rename, or whose schema
# another role can rename (red team attack19, H2, H2b, H2c). PostgreSQL looks a name up
# again after waiting for the lock of what it named, and the attacker decides how long that
# wait lasts: it holds the table (its own, or through DROP TABLE as the schema's owner),
# renames the table or the schema, and leaves a view at the old name that calls its
# function. If flakeid_adopt() named the table or its sequence by text while it waited, the
# view's function ran as the superuser: ALTER ROLE ... SUPERUSER took effect.
#   H2:  the table's owner (an application role with its own schema) swaps its table for
#        views while the adopt waits for LOCK TABLE and for max();
#   H2b: the table's owner swaps its identity's sequence for a view while the adopt waits
#        to read it (drop_sequence => false);
#   H2c: on PostgreSQL 15's defaults the database owner owns public; with no right on the
#        superuser's own table public.inv, it holds the table with uncommitted DROP TABLEs
#        and renames public between the adopt's waits.
# Each attack's function says "evil() runs as <role>" and makes its role a superuser when
# run by one. No attack may run it; the adopt goes on, on the real table, by OID.
# Every wait is seen in pg_locks, not timed with sleeps.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('adopt_name_swap');
$node->init;
$node->start;

# A psql session on $db as $user (the superuser when undef) that reads statements as they
# are sent, so that one may wait on a lock while the test goes on.
sub open_session
{
	my ($db, $user) = @_;
	my %s = (in => '', out => '', err => '');
	my @cmd = (
		'psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=0',
		'-h', $node->host, '-p', $node->port, '-d', $db);
	push @cmd, '-U', $user if defined $user;
	$s{h} = IPC::Run::start(\@cmd, '<', \$s{in}, '>', \$s{out}, '2>', \$s{err},
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return \%s;
}

# Sends $sql to session $s without waiting for it.
sub send_sql
{
	my ($s, $sql) = @_;
	$s->{in} .= "$sql\n";
	$s->{h}->pump_nb;
}

# Ends session $s; returns its stdout and stderr.
sub close_session
{
	my ($s) = @_;
	$s->{in} .= "\\q\n";
	$s->{h}->finish;
	return ($s->{out}, $s->{err});
}

# Waits until $sql (a boolean query on $db) is true.
sub wait_for
{
	my ($db, $sql, $what) = @_;
	$node->poll_query_until($db, $sql) or die "timed out waiting for $what";
}

# How many sessions wait for a lock on relation $oid of $db (an SQL expression).
sub waiting_on
{
	my ($db, $oid) = @_;
	return qq{(SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
	           WHERE d.datname = '$db' AND l.relation = $oid AND NOT l.granted)};
}

# Makes a database $db and its role $role (LOGIN), flakeid installed; the role owns the
# database when $owns_db.
sub setup
{
	my ($db, $role, $owns_db) = @_;
	$node->safe_psql('postgres',
		"CREATE ROLE $role LOGIN; CREATE DATABASE $db"
		  . ($owns_db ? " OWNER $role" : ''));
	$node->safe_psql($db, 'CREATE EXTENSION flakeid');
}

# The function every attack plants: it says who runs it and, run by a superuser, makes
# $role one.
sub evil_sql
{
	my ($fn, $role, $extra) = @_;
	$extra //= '';
	return qq{CREATE FUNCTION $fn() RETURNS bigint LANGUAGE plpgsql AS \$f\$
BEGIN
  RAISE NOTICE '$fn() runs as %', current_user;
  IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) current_user) THEN
    EXECUTE 'ALTER ROLE $role SUPERUSER';
    $extra
  END IF;
  RETURN 1;
END \$f\$;};
}

sub rolsuper
{
	my ($role) = @_;
	return $node->safe_psql('postgres',
		"SELECT rolsuper FROM pg_roles WHERE rolname = '$role'");
}

# ---- H2: the table's owner swaps its table for views ------------------------------------
setup('h2', 'h2_app', 0);
$node->safe_psql('h2', 'CREATE SCHEMA app AUTHORIZATION h2_app');
$node->safe_psql('h2', 'CREATE TABLE app.t (id bigserial PRIMARY KEY); INSERT INTO app.t DEFAULT VALUES;'
	  . 'CREATE VIEW app.lockview AS SELECT * FROM app.t;'
	  . evil_sql('app.evil', 'h2_app') . q{
CREATE FUNCTION app.swap_when_waited(tbl oid, n int) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE old text;
BEGIN
  -- until a session of another role waits for the table (at most 15 s: none may come)
  FOR i IN 1..300 LOOP
    EXIT WHEN EXISTS (SELECT FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                       WHERE l.relation = tbl AND NOT l.granted AND a.usename <> current_user);
    PERFORM pg_sleep(0.05);
  END LOOP;
  SELECT c.relname INTO old FROM pg_class c WHERE c.oid = tbl;
  EXECUTE format('ALTER TABLE app.%I RENAME TO %I', old, 't_' || n);
  EXECUTE format('CREATE VIEW app.%I AS SELECT app.evil() AS id', old);
END $f$;}, extra_params => [ '-U', 'h2_app' ]);
my $t = $node->safe_psql('h2', "SELECT 'app.t'::regclass::oid");

# A1 holds the table; the adopt waits for it; A2 and A3 queue behind the adopt through the
# view (a view locks its base table by OID), each to swap the table for a view once it
# holds the table and the adopt waits for it again; A1 leaves a harmless view at app.t.
my $a1 = open_session('h2', 'h2_app');
send_sql($a1, 'BEGIN; LOCK TABLE app.t IN ACCESS EXCLUSIVE MODE; SELECT 1;');
wait_for('h2', "SELECT count(*) = 1 FROM pg_locks WHERE relation = $t AND granted", 'A1');
my $su = open_session('h2');
send_sql($su, "SELECT * FROM flakeid_adopt(regclass 'app.t');");
wait_for('h2', 'SELECT ' . waiting_on('h2', $t) . ' >= 1', 'the adopt to wait');
my @queued;
for my $n (2, 3)
{
	my $s = open_session('h2', 'h2_app');
	send_sql($s,
		"BEGIN; LOCK TABLE app.lockview IN ACCESS EXCLUSIVE MODE; SELECT app.swap_when_waited($t, $n); COMMIT;");
	# A2 waits for the table, A3 for the view A2 holds
	wait_for('h2',
		"SELECT count(*) = $n - 1 FROM pg_stat_activity WHERE usename = 'h2_app' AND wait_event_type = 'Lock'",
		"A$n to queue");
	push @queued, $s;
}
send_sql($a1,
	'ALTER TABLE app.t RENAME TO t_1; CREATE VIEW app.t AS SELECT 1::bigint AS id; COMMIT;');
close_session($a1);
my ($out, $err) = close_session($su);
close_session($_) for @queued;
unlike($err, qr/evil\(\) runs as/, 'H2: the owner\'s view is never read by the adopt')
  or diag($err);
is(rolsuper('h2_app'), 'f', 'H2: the table\'s owner stays what it was (rolsuper f)');
like($out, qr/DEFAULT nextval\('app\.t_id_seq'::regclass\)\|app\.t_id_seq\|dropped/,
	'H2: the adopt adopted the real table') or diag($out, $err);
is( $node->safe_psql(
		'h2', "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = $t"),
	'flakeid_next()',
	'H2: the real table, by OID, has DEFAULT flakeid_next()');

# ---- H2b: the owner swaps its identity's sequence for a view ----------------------------
setup('h2b', 'h2b_app', 0);
$node->safe_psql('h2b', 'CREATE SCHEMA app AUTHORIZATION h2b_app');
$node->safe_psql('h2b',
	'CREATE TABLE app.t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);'
	  . 'INSERT INTO app.t DEFAULT VALUES;'
	  . evil_sql('app.evil', 'h2b_app'),
	extra_params => [ '-U', 'h2b_app' ]);
my $seq = $node->safe_psql('h2b', "SELECT pg_get_serial_sequence('app.t', 'id')::regclass::oid");
my $owner = open_session('h2b', 'h2b_app');
send_sql($owner,
	'BEGIN; ALTER SEQUENCE app.t_id_seq RENAME TO t_id_seq_real;'
	  . ' CREATE VIEW app.t_id_seq AS SELECT app.evil() AS last_value, true AS is_called;');
# the view is invisible until the owner commits: its rename's lock shows it is there
wait_for('h2b',
	"SELECT count(*) = 1 FROM pg_locks WHERE relation = $seq AND granted AND mode = 'AccessExclusiveLock'",
	'the rename');
$su = open_session('h2b');
send_sql($su, "SELECT * FROM flakeid_adopt(regclass 'app.t', drop_sequence => false);");
wait_for('h2b', 'SELECT ' . waiting_on('h2b', $seq) . ' >= 1', 'the adopt to wait for the sequence');
send_sql($owner, 'COMMIT;');
close_session($owner);
($out, $err) = close_session($su);
unlike($err, qr/evil\(\) runs as/, 'H2b: the owner\'s view of the sequence\'s name is never read')
  or diag($err);
is(rolsuper('h2b_app'), 'f', 'H2b: the owner stays what it was (rolsuper f)');
like($out, qr/app\.t\|GENERATED BY DEFAULT AS IDENTITY\|app\.t_id_seq_real\|kept, remade/,
	'H2b: the adopt kept the real sequence, by OID') or diag($out, $err);

# ---- H2c: the database owner renames public between the adopt's waits ------------------
setup('h2c', 'h2c_dbo', 1);
$node->safe_psql('h2c',
	'CREATE TABLE public.inv (id bigserial PRIMARY KEY); INSERT INTO public.inv DEFAULT VALUES;');
$node->safe_psql(
	'h2c',
	'CREATE SCHEMA dbo_s;' . evil_sql(
		'dbo_s.evil', 'h2c_dbo', q{
    PERFORM pg_catalog.pg_advisory_xact_lock(4242);   -- tells the test: it ran
    -- the real schema back under its name, so the rest of the adopt works and commits
    EXECUTE 'ALTER SCHEMA public RENAME TO fake_' OPERATOR(pg_catalog.||) pg_catalog.txid_current();
    EXECUTE pg_catalog.format('ALTER SCHEMA %I RENAME TO public', (SELECT n.nspname FROM pg_catalog.pg_namespace n
      JOIN pg_catalog.pg_extension e ON e.extnamespace OPERATOR(pg_catalog.=) n.oid
     WHERE e.extname OPERATOR(pg_catalog.=) 'flakeid'));}),
	extra_params => [ '-U', 'h2c_dbo' ]);
my $x = $node->safe_psql('h2c', "SELECT 'public.inv'::regclass::oid");
is( $node->safe_psql(
		'h2c', "SELECT has_table_privilege('h2c_dbo', 'public.inv', 'SELECT,UPDATE,DELETE,TRUNCATE')"),
	'f',
	'H2c: the database owner has no right on the superuser\'s table');
my $name_sql = "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
  . " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $x";
my $evil_ran = "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242";

my $holder = open_session('h2c', 'h2c_dbo');
send_sql($holder, 'BEGIN; DROP TABLE public.inv;');
wait_for('h2c',
	"SELECT count(*) = 1 FROM pg_locks WHERE relation = $x AND granted AND mode = 'AccessExclusiveLock'",
	'the first DROP TABLE');
$su = open_session('h2c');
send_sql($su, "SELECT * FROM flakeid_adopt(regclass 'public.inv');");
wait_for('h2c', 'SELECT ' . waiting_on('h2c', $x) . ' >= 1', 'the adopt to wait');
my $stages = 0;
for my $k (1 .. 5)
{
	last if $node->safe_psql('h2c', $evil_ran) eq 't';
	my $cur = $node->safe_psql('h2c', $name_sql);
	my ($schema) = split /\./, $cur;
	# the table's schema renamed, a new one of its name with a view at the table's name
	$node->safe_psql('h2c',
		"ALTER SCHEMA $schema RENAME TO s$k; CREATE SCHEMA $schema;"
		  . " CREATE VIEW $cur AS SELECT dbo_s.evil() AS id;",
		extra_params => [ '-U', 'h2c_dbo' ]);
	# the next holder queues for the table under its new name, then the last one lets go
	my $next = open_session('h2c', 'h2c_dbo');
	send_sql($next, "BEGIN; DROP TABLE s$k.inv;");
	wait_for('h2c', 'SELECT ' . waiting_on('h2c', $x) . ' >= 2', "stage $k: the next holder");
	send_sql($holder, 'ROLLBACK;');
	close_session($holder);
	$holder = $next;
	$stages = $k;
	# the adopt goes on: it ran the view, waits for the table again, or is done
	wait_for(
		'h2c', "SELECT ($evil_ran) OR " . waiting_on('h2c', $x) . " >= 1
		     OR NOT EXISTS (SELECT FROM pg_stat_activity
		                     WHERE query LIKE 'SELECT * FROM flakeid_adopt%' AND state = 'active')",
		"stage $k: the adopt");
	last if $node->safe_psql('h2c', "SELECT ($evil_ran) OR " . waiting_on('h2c', $x) . " = 0") eq 't';
}
send_sql($holder, 'ROLLBACK;');
close_session($holder);
($out, $err) = close_session($su);
note("H2c: $stages stage(s); the adopt printed: $out $err");
unlike($err, qr/evil\(\) runs as/, 'H2c: the database owner\'s view is never read by the adopt')
  or diag($err);
is(rolsuper('h2c_dbo'), 'f', 'H2c: the database owner stays what it was (rolsuper f)');
like($out, qr/^s1\.inv\|DEFAULT nextval\('s1\.inv_id_seq'::regclass\)\|s1\.inv_id_seq\|dropped$/m,
	'H2c: the adopt adopted the real table, under its schema\'s name when it held it')
  or diag($out, $err);
is( $node->safe_psql(
		'h2c', "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = $x"),
	's1.flakeid_next()',
	'H2c: the real table, by OID, has DEFAULT flakeid_next() of the extension');

# ---- the schema pin itself: ALTER SCHEMA ... RENAME waits for the adopt -----------------
setup('pin', 'pin_dbo', 1);
$node->safe_psql('pin',
	'CREATE TABLE public.p (id bigserial PRIMARY KEY); INSERT INTO public.p DEFAULT VALUES;');
my $open = open_session('pin');
send_sql($open, "BEGIN; SELECT relation FROM flakeid_adopt(regclass 'public.p');");
wait_for('pin',
	"SELECT count(*) = 1 FROM pg_locks WHERE relation = 'public.p'::regclass AND granted"
	  . " AND mode = 'AccessExclusiveLock'", 'the adopt');
# the rename waits for the adopt's transaction: with a lock_timeout it gives up
my ($rc, $rename_out, $rename_err) = $node->psql('pin',
	"SET lock_timeout = '2s'; ALTER SCHEMA public RENAME TO moved;",
	extra_params => [ '-U', 'pin_dbo' ]);
like($rename_err, qr/canceling statement due to lock timeout/,
	'ALTER SCHEMA RENAME of the adopted table\'s schema waits while the adopt\'s transaction is open');
send_sql($open, 'COMMIT;');
close_session($open);
$node->safe_psql('pin', 'ALTER SCHEMA public RENAME TO moved;', extra_params => [ '-U', 'pin_dbo' ]);
is($node->safe_psql('pin', "SELECT 'moved.p'::regclass IS NOT NULL"), 't',
	'and runs once it has committed');

done_testing();
