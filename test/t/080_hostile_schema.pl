# A database owner who is not a superuser (PostgreSQL 15's defaults: it owns schema
# public) plants a decoy for every name flakeid's SQL and its SPI statements use; a
# superuser then runs every flakeid function and every SQL example of the README and of
# docs/*.md (test/t/050's blocks, in its order). No decoy
# may run, and the owner stays what it was (rolsuper false). Issue 19's attacks 1-3 are
# here as reported:
#   1. public renamed to public_old (the extension's schema, by OID), a new public with
#      flakeid_capacity(), flakeid_next(), flakeid_guard_trigger() ...: a superuser's
#      flakeid_adopt() and flakeid_guard() must bind the extension's own functions;
#   2. overloads of other argument types (flakeid_span(text), flakeid_timestamp(bigint,
#      text) ...) next to the extension's own: the README's typed calls are exact;
#   3. a role allowed to set up a replication origin plants ||(text, text) and =(text,
#      text) first on its search_path and writes replicated rows into a table it guarded:
#      the guard's statements, run as the bootstrap superuser, must not call them.
# Each runs on a fresh install and on one updated from 1.3 after the decoys were planted
# (the update script runs under the hostile schema).
# And the red team's attack on the flakeid type (issue 24): operators on the type that
# dbo makes in public, ahead of which the extension's own exact matches must win. And keys
# of the flakeid type (issue 24): dbo plants =, <>, < and max() on the type and a domain
# public.flakeid; a superuser's flakeid_adopt() of a flakeid key and flakeid_guard() of one
# run none, and a key of dbo's domain is refused (42804).
#
# Every decoy calls dbo_log.ran(what), which warns "DECOY RAN as <role>: <what>", logs a
# row and tries ALTER ROLE dbo SUPERUSER: run by a superuser, that succeeds.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $node = PostgreSQL::Test::Cluster->new('hostile');
$node->init;
$node->start;
my $su = $node->safe_psql('postgres', 'SELECT current_user');
$node->safe_psql(
	'postgres', q{
	CREATE ROLE dbo LOGIN;
	SELECT pg_catalog.pg_replication_origin_create('dbo_origin');
	SELECT pg_catalog.pg_replication_origin_create('other_origin');
});

# ---- the decoys ------------------------------------------------------------------------

# The log every decoy writes to, and the function that writes it: run once per database
# by dbo, before anything else.
my $log_sql = q{
CREATE SCHEMA dbo_log;
GRANT USAGE ON SCHEMA dbo_log TO PUBLIC;
CREATE TABLE dbo_log.ran (what text, by_role text);
GRANT INSERT ON dbo_log.ran TO PUBLIC;
CREATE FUNCTION dbo_log.ran(what text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE WARNING 'DECOY RAN as %: %', current_user, what;
  INSERT INTO dbo_log.ran VALUES (what, current_user);
  BEGIN
    ALTER ROLE dbo SUPERUSER;
  EXCEPTION WHEN insufficient_privilege THEN NULL;
  END;
  RETURN true;
END $$;
};

# Decoys of the catalog's functions, operators and aggregates with the exact argument
# types flakeid's SQL bodies and SPI statements call them with (each returns what the
# real one does, so nothing looks amiss), and views named like the catalog tables they
# read. In schema $s: winning only where a search path puts $s before pg_catalog.
sub catalog_decoys
{
	my ($s) = @_;
	my $sql = '';
	my @functions = (
		[ 'format', 'text, regclass', 'text' ],
		[ 'format', 'text, regclass, name', 'text' ],
		[ 'format', 'text, name, regclass', 'text' ],
		[ 'format', 'text, text', 'text' ],
		[ 'format', 'text, text, text', 'text' ],
		[ 'current_setting', 'text', 'text' ],
		[ 'pg_has_role', 'oid, text', 'boolean' ],
		[ 'to_char', 'timestamp, text', 'text' ],
		[ 'to_char', 'timestamptz, text', 'text' ],
		[ 'timezone', 'text, timestamptz', 'timestamp' ],
		[ 'now', '', 'timestamptz' ],
		[ 'to_regclass', 'text', 'regclass' ],
		[ 'format_type', 'oid, integer', 'text' ],
		[ 'pg_get_expr', 'pg_node_tree, oid', 'text' ],
		[ 'has_schema_privilege', 'oid, text', 'boolean' ],
		[ 'array_length', 'oid[], integer', 'integer' ],
		[ 'array_position', 'oid[], oid', 'integer' ],
		[ 'array_to_string', 'text[], text', 'text' ],
		[ 'pg_describe_object', 'oid, oid, integer', 'text' ],
		[ 'floor', 'numeric', 'numeric' ],
		[ 'extract', 'text, timestamptz', 'numeric' ],
		[ 'concat_ws', 'text, text, text', 'text' ],
		[ 'quote_ident', 'text', 'text' ],
		[ 'pg_get_function_identity_arguments', 'oid', 'text' ]);
	for my $f (@functions)
	{
		my ($name, $args, $ret) = @$f;
		my @n = map { '$' . $_ } 1 .. scalar(split /,/, $args);
		my $call = "pg_catalog.$name(" . join(', ', @n) . ')';
		$sql .= qq{
CREATE FUNCTION $s.$name($args) RETURNS $ret
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.$name($args)'); RETURN $call; END \$\$;};
	}
	my @operators = (
		[ '=', 'bigint', 'bigint', 'boolean' ], [ '=', 'text', 'text', 'boolean' ],
		[ '=', 'integer', 'integer', 'boolean' ], [ '=', 'oid', 'oid', 'boolean' ],
		[ '=', 'name', 'name', 'boolean' ], [ '=', 'regtype', 'regtype', 'boolean' ],
		[ '<>', 'oid', 'oid', 'boolean' ], [ '<>', 'regtype', 'regtype', 'boolean' ],
		[ '<>', 'text', 'text', 'boolean' ], [ '>=', 'bigint', 'bigint', 'boolean' ],
		[ '<', 'bigint', 'bigint', 'boolean' ], [ '>>', 'bigint', 'integer', 'bigint' ],
		[ '+', 'bigint', 'integer', 'bigint' ], [ '-', 'bigint', 'bigint', 'bigint' ],
		[ '||', 'text', 'text', 'text' ], [ '||', 'oid[]', 'oid', 'oid[]' ],
		[ '||', 'text[]', 'text', 'text[]' ], [ '=', '"char"', '"char"', 'boolean' ]);
	my $i = 0;
	for my $o (@operators)
	{
		my ($op, $l, $r, $ret) = @$o;
		$i++;
		$sql .= qq{
CREATE FUNCTION $s.decoy_op_$i($l, $r) RETURNS $ret
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.$op($l, $r)'); RETURN \$1 OPERATOR(pg_catalog.$op) \$2; END \$\$;
CREATE OPERATOR $s.$op (LEFTARG = $l, RIGHTARG = $r, FUNCTION = $s.decoy_op_$i);};
	}
	$sql .= qq{
CREATE FUNCTION $s.decoy_max_step(bigint, bigint) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.max(bigint)'); RETURN pg_catalog.greatest(\$1, \$2); END \$\$;
CREATE AGGREGATE $s.max(bigint) (SFUNC = $s.decoy_max_step, STYPE = bigint);
CREATE FUNCTION $s.decoy_count_step(bigint) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.count(*)'); RETURN \$1 OPERATOR(pg_catalog.+) 1; END \$\$;
CREATE AGGREGATE $s.count(*) (SFUNC = $s.decoy_count_step, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION $s.decoy_agg_step(oid[], oid) RETURNS oid[]
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.array_agg(oid)'); RETURN pg_catalog.array_append(\$1, \$2); END \$\$;
CREATE AGGREGATE $s.array_agg(oid) (SFUNC = $s.decoy_agg_step, STYPE = oid[]);
CREATE FUNCTION $s.decoy_sagg_step(text, text, text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.string_agg(text, text)'); RETURN pg_catalog.concat(\$1, \$3, \$2); END \$\$;
CREATE AGGREGATE $s.string_agg(text, text) (SFUNC = $s.decoy_sagg_step, STYPE = text);
};
	for my $table (
		qw(pg_class pg_attribute pg_attrdef pg_depend pg_index pg_inherits
		pg_namespace pg_sequence pg_settings pg_extension pg_trigger pg_proc
		pg_subscription pg_roles pg_policy pg_type))
	{
		# (pg_attribute's attmissingval is of a pseudo-type no view can show)
		my $columns =
		  $table eq 'pg_attribute'
		  ? 'attrelid, attname, atttypid, attnum, attisdropped, attidentity, attgenerated'
		  : '*';
		$sql .= qq{
CREATE VIEW $s.$table AS
  SELECT $columns FROM pg_catalog.$table WHERE dbo_log.ran('$s.$table');};
	}
	return $sql;
}

# The FROM and WHERE of a query over the extension's functions (p, pg_proc), found as its
# members.
my $flakeid_functions = q{pg_catalog.pg_depend d JOIN pg_catalog.pg_proc p ON p.oid = d.objid
     WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype = 'e'
       AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'flakeid')};

# Overloads of the extension's functions in schema $s: each name with text arguments of
# the same count (and the issue's own: flakeid_min_id(text, text), flakeid_timestamp(bigint,
# text)), which an untyped literal picks over the real one. Read from the extension's
# members, so that a function added later is covered too.
sub overload_decoys
{
	my ($s) = @_;
	return qq{
DO \$do\$
DECLARE
  f record;
BEGIN
  FOR f IN
    SELECT DISTINCT p.proname, p.pronargs FROM $flakeid_functions AND p.pronargs > 0
  LOOP
    EXECUTE pg_catalog.format(
      'CREATE FUNCTION %I.%I(%s) RETURNS text LANGUAGE plpgsql '
      'SET search_path = pg_catalog, pg_temp AS \$b\$ '
      'BEGIN PERFORM dbo_log.ran(%L); RETURN NULL; END \$b\$',
      '$s', f.proname, pg_catalog.array_to_string(pg_catalog.array_fill('text'::text, ARRAY[f.pronargs]), ', '),
      '$s.' || f.proname || '(text ...)');
  END LOOP;
END \$do\$;
CREATE FUNCTION $s.flakeid_timestamp(bigint, text) RETURNS timestamptz
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.flakeid_timestamp(bigint, text)'); RETURN NULL; END \$\$;
CREATE FUNCTION $s.flakeid_min_id(text, text) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.flakeid_min_id(text, text)'); RETURN NULL; END \$\$;
};
}

# Decoys with the very signatures of the extension's members, in schema $s, which is not
# the extension's (the new public of attack 1): flakeid_next() returns 42, the others
# nothing; flakeid_guard_binding is a view that logs what reads or writes it. The flakeid
# type's I/O functions (cstring, internal) can have no PL/pgSQL twin; the type itself has
# a twin, a domain over bigint whose CHECK logs each value it is given (issue 24).
sub twin_decoys
{
	my ($s, $ext) = @_;
	return qq{
DO \$do\$
DECLARE
  f record;
BEGIN
  FOR f IN
    SELECT p.proname, pg_catalog.pg_get_function_arguments(p.oid) AS args,
           pg_catalog.pg_get_function_result(p.oid) AS result,
           p.proretset OR p.proargmodes IS NOT NULL OR p.prorettype = 'pg_catalog.void'::pg_catalog.regtype AS bare
      FROM $flakeid_functions
       AND p.prorettype NOT IN ('pg_catalog.cstring'::pg_catalog.regtype,
                                'pg_catalog.internal'::pg_catalog.regtype)
       AND NOT 'pg_catalog.cstring'::pg_catalog.regtype = ANY (p.proargtypes::pg_catalog.oid[])
       AND NOT 'pg_catalog.internal'::pg_catalog.regtype = ANY (p.proargtypes::pg_catalog.oid[])
  LOOP
    EXECUTE pg_catalog.format(
      'CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE plpgsql '
      'SET search_path = pg_catalog, pg_temp AS \$b\$ '
      'BEGIN PERFORM dbo_log.ran(%L); %s END \$b\$',
      '$s', f.proname, f.args, f.result, '$s.' || f.proname || '(' || f.args || ')',
      CASE WHEN f.result = 'trigger' THEN 'RETURN NEW;'
           WHEN f.result = 'event_trigger' THEN 'RETURN;'
           WHEN f.bare THEN 'RETURN;'
           WHEN f.proname = 'flakeid_next' THEN 'RETURN 42;'
           ELSE 'RETURN NULL;' END);
  END LOOP;
END \$do\$;
CREATE VIEW $s.flakeid_guard_binding AS
  SELECT * FROM $ext.flakeid_guard_binding WHERE dbo_log.ran('$s.flakeid_guard_binding');
CREATE FUNCTION $s.decoy_binding_write() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$s.flakeid_guard_binding ' || TG_OP); RETURN NULL; END \$\$;
CREATE TRIGGER decoy INSTEAD OF INSERT OR UPDATE OR DELETE ON $s.flakeid_guard_binding
  FOR EACH ROW EXECUTE FUNCTION $s.decoy_binding_write();
CREATE SEQUENCE $s.flakeid_high_water;
} . type_decoy($s);
}

# A domain named like the flakeid type in schema $s, whose CHECK logs every value it is
# given: a table or a cast that found it by name instead of the extension's type runs it.
sub type_decoy
{
	my ($s) = @_;
	return qq{
CREATE DOMAIN $s.flakeid AS bigint CHECK (dbo_log.ran('$s.flakeid (a domain)'));
};
}

# Operators on the extension's flakeid type (in schema $ext) in schema $s, and max() with
# $max: what a query over a flakeid key that named them unqualified would run under dbo's
# search path.
sub flakeid_type_decoys
{
	my ($s, $ext, $max) = @_;
	my $t = "$ext.flakeid";
	my $sql = '';
	my $i = 0;
	for my $o ([ '=', $t, $t ], [ '=', $t, 'bigint' ], [ '<>', $t, $t ], [ '<', $t, $t ],
		[ '>=', $t, 'bigint' ])
	{
		my ($op, $l, $r) = @$o;
		$i++;
		$sql .= qq{
CREATE FUNCTION $s.decoy_key_op_$i($l, $r) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN
  PERFORM dbo_log.ran('$s.$op($l, $r)');
  RETURN \$1::pg_catalog.int8 OPERATOR(pg_catalog.$op) \$2::pg_catalog.int8;
END \$\$;
CREATE OPERATOR $s.$op (LEFTARG = $l, RIGHTARG = $r, FUNCTION = $s.decoy_key_op_$i);};
	}
	return $sql if !$max;
	return $sql . qq{
CREATE FUNCTION $s.decoy_key_max_step($t, $t) RETURNS $t
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN
  PERFORM dbo_log.ran('$s.max(flakeid)');
  RETURN pg_catalog.greatest(\$1::pg_catalog.int8, \$2::pg_catalog.int8)::$t;
END \$\$;
CREATE AGGREGATE $s.max($t) (SFUNC = $s.decoy_key_max_step, STYPE = $t);
};
}

# Everything dbo plants in a database where the extension lives in public: renames public
# (to public_old), makes a new public with twins of the extension's members, fills
# public_old (the extension's schema) with overloads and a schema dbo_first with the
# catalog's decoys, and puts dbo_first first on the database's search path.
sub plant_all
{
	my ($db) = @_;
	return qq{
$log_sql
ALTER SCHEMA public RENAME TO public_old;
CREATE SCHEMA public;
GRANT USAGE ON SCHEMA public TO PUBLIC;
CREATE SCHEMA dbo_first;
GRANT USAGE ON SCHEMA dbo_first TO PUBLIC;
} . twin_decoys('public', 'public_old') . overload_decoys('public_old')
	  . overload_decoys('dbo_first') . catalog_decoys('dbo_first')
	  . catalog_decoys('public') . catalog_decoys('public_old') . qq{
ALTER DATABASE $db SET search_path = dbo_first, pg_catalog, public, public_old;
};
}

# ---- checks ----------------------------------------------------------------------------

# Runs $sql in $db as $role (a superuser unless said) and returns (exit code, stdout,
# stderr); every decoy that ran shows in stderr.
sub run_as
{
	my ($db, $sql, $role) = @_;
	my ($ret, $out, $err) =
	  $node->psql($db, $sql, extra_params => [ '-U', $role // $su ]);
	return ($ret, $out, $err);
}

# The decoys that ran as any role but dbo itself, in the stderr of a run.
sub decoys_in
{
	my ($err) = @_;
	my %seen;
	$seen{$1}++ while $err =~ /DECOY RAN as (?!dbo:)[^:]+: (.*)/g;
	return join('; ', sort keys %seen);
}

# Runs $sql as a superuser (or $role) in $db and checks that no decoy ran and the
# statement succeeded; returns its output.
sub clean_run
{
	my ($db, $what, $sql, $role) = @_;
	my ($ret, $out, $err) = run_as($db, $sql, $role);
	is(decoys_in($err), '', "$db: $what: no decoy runs");
	is($ret, 0, "$db: $what: runs without an error") or diag($err);
	return $out;
}

# dbo's rights as the catalog has them now.
sub dbo_is_superuser
{
	return $node->safe_psql('postgres',
		"SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = 'dbo'");
}

# ---- attacks 1 and 3, and every function, on a fresh and on an updated install ---------
my %from = (attack_fresh => undef, attack_updated => '1.3');
for my $db (sort keys %from)
{
	my $create =
	  defined $from{$db}
	  ? "CREATE EXTENSION flakeid VERSION '$from{$db}' SCHEMA public"
	  : 'CREATE EXTENSION flakeid SCHEMA public';
	$node->safe_psql('postgres', "CREATE DATABASE $db OWNER dbo");
	# The superuser's set-up: the extension in public (dbo's, as on 15), tables in app.
	$node->safe_psql(
		$db, qq{
		$create;
		ALTER DATABASE $db SET flakeid.layout = 'twitter';
		GRANT EXECUTE ON FUNCTION pg_catalog.pg_replication_origin_session_setup(text) TO dbo;
		GRANT EXECUTE ON FUNCTION pg_catalog.pg_replication_origin_session_reset() TO dbo;
		CREATE SCHEMA app;
		CREATE TABLE app.invoices (id bigserial PRIMARY KEY, total numeric NOT NULL);
		INSERT INTO app.invoices (total) VALUES (10), (20);
		CREATE TABLE app.events (id bigint PRIMARY KEY, note text);
	});
	my ($ret, $out, $err) = run_as($db, plant_all($db), 'dbo');
	is($ret, 0, "$db: dbo plants its decoys") or diag($err);
	# The update runs after the decoys are in place, in the renamed schema.
	if (defined $from{$db})
	{
		clean_run($db, 'ALTER EXTENSION flakeid UPDATE',
			'ALTER EXTENSION flakeid UPDATE');
	}

	# Attack 1: flakeid_adopt() and flakeid_guard() by a superuser, after the rename.
	clean_run($db, 'attack 1, flakeid_adopt()',
		q{SELECT * FROM public_old.flakeid_adopt(pg_catalog.regclass 'app.invoices')});
	is(default_calls($db, 'app.invoices'), 't',
		"$db: attack 1: the adopted default calls the extension's own flakeid_next()");
	my $key = run_as_value($db,
		q{INSERT INTO app.invoices (total) VALUES (30) RETURNING id});
	cmp_ok($key, '>', 42, "$db: attack 1: the next insert gets a flakeid key ($key)");

	clean_run($db, 'attack 1, flakeid_guard()',
		q{SELECT public_old.flakeid_guard(pg_catalog.regclass 'app.events')});
	is( run_as_value(
			$db, q{
		SELECT t.tgfoid OPERATOR(pg_catalog.=) 'public_old.flakeid_guard_trigger()'::pg_catalog.regprocedure,
		       t.tgenabled
		  FROM pg_catalog.pg_trigger t
		 WHERE t.tgrelid OPERATOR(pg_catalog.=) 'app.events'::pg_catalog.regclass
		   AND t.tgname OPERATOR(pg_catalog.=) 'flakeid_guard'}),
		't|A',
		"$db: attack 1: the guard's trigger calls the extension's own function, ENABLE ALWAYS");
	is(dbo_is_superuser(), 'f', "$db: attack 1: dbo is no superuser");

	# Every function of the extension, typed and qualified, by a superuser under dbo's
	# search path (dbo_first, pg_catalog, public, public_old).
	my $id = 'public_old.flakeid_next()';
	for my $call (
		'SELECT public_old.flakeid_next()',
		'SELECT * FROM public_old.flakeid_next_ids(3)',
		"SELECT * FROM public_old.flakeid_decode($id)",
		"SELECT * FROM public_old.flakeid_decode($id, text 'twitter', bigint '1577836800000')",
		'SELECT * FROM public_old.flakeid_capacity()',
		'SELECT * FROM public_old.flakeid_layouts()',
		'SELECT * FROM public_old.flakeid_status()',
		"SELECT public_old.flakeid_timestamp($id)",
		"SELECT public_old.flakeid_timestamp($id, text 'twitter', bigint '1577836800000')",
		"SELECT public_old.flakeid_min_id(pg_catalog.now())",
		"SELECT public_old.flakeid_min_id(timestamptz '2026-01-01 00:00:00+00', text 'minimal', bigint '1577836800000')",
		"SELECT public_old.flakeid_max_id(pg_catalog.now())",
		"SELECT public_old.flakeid_max_id(timestamptz '2026-01-01 00:00:00+00', text 'minimal', bigint '1577836800000')",
		"SELECT public_old.flakeid_node($id)",
		"SELECT public_old.flakeid_node($id, text 'twitter', bigint '1577836800000')",
		"SELECT public_old.flakeid_span(interval '1 day')",
		"SELECT public_old.flakeid_span(interval '1 day', text 'twitter')",
		'SELECT * FROM public_old.flakeid_guard_bindings',
		'SELECT public_old.flakeid_guard_forget(1, 2)',
		"SELECT public_old.flakeid_guard(pg_catalog.regclass 'app.events', name 'id')",
		"SELECT * FROM public_old.flakeid_adopt(pg_catalog.regclass 'app.invoices')",
		"SELECT public_old.flakeid(integer '5')",
		"SELECT public_old.flakeid_in(pg_catalog.cstring '5')",
		"SELECT public_old.flakeid_out(public_old.flakeid '5')",
		"SELECT public_old.flakeid_send(public_old.flakeid '5')")
	{
		clean_run($db, $call, $call);
	}

	# The flakeid type named by its schema (issue 24): a key column with the DEFAULT, an
	# integer and a bigint stored through the extension's casts (bound by OID in pg_cast),
	# comparisons, JSON: no decoy runs, not dbo's domain public.flakeid, not its twin
	# public.flakeid(integer), not its operators in dbo_first.
	my $typed = clean_run(
		$db, 'a table keyed by the flakeid type', q{
		CREATE TABLE app.keyed (id public_old.flakeid PRIMARY KEY
		  DEFAULT public_old.flakeid_next(), n integer);
		INSERT INTO app.keyed (n) VALUES (1);
		INSERT INTO app.keyed (id, n) VALUES (5, 2), (pg_catalog.int8 '6', 3);
		SELECT pg_catalog.count(*) FROM app.keyed
		 WHERE id OPERATOR(pg_catalog.=) 5 OR id OPERATOR(pg_catalog.>) 6;
		SELECT pg_catalog.json_agg(k.id ORDER BY k.id) FROM app.keyed k
		 WHERE k.id OPERATOR(pg_catalog.<) 7;
		DROP TABLE app.keyed;
	});
	is($typed, qq{2
["5", "6"]}, "$db: the flakeid type's keys compare and are JSON strings");

	# Called directly with one of dbo's twins, the PL/pgSQL halves refuse it (22023).
	for my $call (
		q{SELECT public_old.flakeid_guard_checked(pg_catalog.regclass 'app.events', name 'id', 10, pg_catalog.regprocedure 'public.flakeid_guard_trigger()')},
		q{SELECT public_old.flakeid_adopt_checked(pg_catalog.regclass 'app.invoices', name 'id', true, true, pg_catalog.regprocedure 'public.flakeid_next()', text 'twitter', pg_catalog.now(), 41, 5, 5, 12, 0, NULL, NULL, NULL, NULL)})
	{
		my ($ret, $out, $err) = run_as($db, "\\set VERBOSITY verbose\n$call");
		is(decoys_in($err), '', "$db: $call: no decoy runs");
		like($err, qr/ERROR:  22023: flakeid_\w+_checked\(\) (?:sets DEFAULT|installs) flakeid_/,
			"$db: the PL/pgSQL half, called with dbo's twin, refuses it");
	}

	# Attack 3: dbo, allowed to set up a replication origin, guards a table of its own and
	# writes replicated rows with its operators first on the search path. Keys of nodes
	# (1, 2) and (1, 3) under twitter.
	my $k = q{((pg_catalog.int8 '1000' OPERATOR(pg_catalog.<<) 22) OPERATOR(pg_catalog.|) (1 OPERATOR(pg_catalog.<<) 17) OPERATOR(pg_catalog.|) (%d OPERATOR(pg_catalog.<<) 12) OPERATOR(pg_catalog.|) %d)};
	clean_run(
		$db, 'attack 3: dbo guards its own table', q{
		CREATE TABLE dbo_first.mine (id bigint PRIMARY KEY);
		-- the trigger flakeid_guard() makes, made by hand: attack 3 apart from attack 1
		CREATE TRIGGER flakeid_guard BEFORE INSERT OR UPDATE ON dbo_first.mine
		  FOR EACH ROW EXECUTE FUNCTION public_old.flakeid_guard_trigger('id');
		ALTER TABLE dbo_first.mine ENABLE ALWAYS TRIGGER flakeid_guard;
	}, 'dbo');
	# Not trusted with the bindings, dbo binds nothing (attack19 H1): its first row is
	# refused, and the refusal runs no decoy either.
	($ret, $out, $err) = run_as(
		$db,
		"SET search_path = dbo_first, pg_catalog;
		 SELECT pg_catalog.pg_replication_origin_session_setup('dbo_origin');
		 INSERT INTO dbo_first.mine VALUES (" . sprintf($k, 2, 1) . ");",
		'dbo');
	is(decoys_in($err), '', "$db: attack 3: the guard's refusal runs no decoy of dbo's");
	like($err, qr/ERROR:  flakeid guard: node \(datacenter 1, machine 2\) arrives from replication origin "dbo_origin", which may not bind it: role "dbo" may not insert into public_old\.flakeid_guard_binding/,
		"$db: attack 3: dbo, not trusted with the bindings, binds nothing (FL013)");
	# Granted the binding table, dbo's rows bind: the guard writes them with no decoy run.
	$node->safe_psql($db, 'GRANT INSERT ON public_old.flakeid_guard_binding TO dbo');
	($ret, $out, $err) = run_as(
		$db,
		"SET search_path = dbo_first, pg_catalog;
		 SELECT pg_catalog.pg_replication_origin_session_setup('dbo_origin');
		 INSERT INTO dbo_first.mine VALUES (" . sprintf($k, 2, 1) . ");
		 INSERT INTO dbo_first.mine VALUES (" . sprintf($k, 2, 2) . ");
		 INSERT INTO dbo_first.mine VALUES (" . sprintf($k, 3, 1) . ");
		 SELECT pg_catalog.pg_replication_origin_session_reset();
		 SELECT pg_catalog.pg_replication_origin_session_setup('other_origin');
		 INSERT INTO dbo_first.mine VALUES (" . sprintf($k, 2, 3) . ");",
		'dbo');
	is(decoys_in($err), '',
		"$db: attack 3: the guard's statements (as the bootstrap superuser) run no decoy of dbo's");
	like($err, qr/ERROR:  flakeid guard: node \(datacenter 1, machine 2\) arrives from replication origin "other_origin" but is bound to replication origin "dbo_origin"/,
		"$db: attack 3: a row of node (1, 2) from another origin is still refused (FL013)");
	is(dbo_is_superuser(), 'f', "$db: attack 3: dbo is no superuser");
	$node->safe_psql($db, 'REVOKE INSERT ON public_old.flakeid_guard_binding FROM dbo');
	$node->safe_psql('postgres', 'ALTER ROLE dbo NOSUPERUSER');

	# Keys of the flakeid type (issue 24). dbo plants =, <> and < on the type in dbo_first
	# (first on the path) and in public, max() in dbo_first (public has its twin of the
	# extension's max(flakeid) already), and keys a table of its own by its domain
	# public.flakeid (the domain's CHECK runs for dbo's own insert: not counted).
	($ret, $out, $err) = run_as(
		$db,
		flakeid_type_decoys('dbo_first', 'public_old', 1)
		  . flakeid_type_decoys('public', 'public_old', 0) . q{
		CREATE TABLE dbo_first.decoy_keyed (id public.flakeid PRIMARY KEY);
		INSERT INTO dbo_first.decoy_keyed VALUES (pg_catalog.int8 '7');},
		'dbo');
	is($ret, 0, "$db: dbo plants decoys on the flakeid type") or diag($err);
	# A bigserial key changed to the extension's type, adopted by a superuser: the old
	# sequence dropped, the default the extension's flakeid_next(), the next key above.
	clean_run(
		$db, 'a bigserial key changed to flakeid', q{
		CREATE TABLE app.typed_invoices (id bigserial PRIMARY KEY, total numeric NOT NULL);
		INSERT INTO app.typed_invoices (total) VALUES (10), (20);
		ALTER TABLE app.typed_invoices ALTER COLUMN id TYPE public_old.flakeid;});
	like(
		clean_run(
			$db, 'flakeid_adopt() of a flakeid key',
			q{SELECT * FROM public_old.flakeid_adopt(pg_catalog.regclass 'app.typed_invoices')}),
		qr/^app\.typed_invoices\|DEFAULT nextval\('app\.typed_invoices_id_seq'::regclass\)\|app\.typed_invoices_id_seq\|dropped$/,
		"$db: flakeid_adopt() of a flakeid key drops its sequence");
	is(default_calls($db, 'app.typed_invoices'), 't',
		"$db: the adopted flakeid key's default calls the extension's own flakeid_next()");
	is( run_as_value(
			$db, q{
		INSERT INTO app.typed_invoices (total) VALUES (30)
		RETURNING id::pg_catalog.int8 OPERATOR(pg_catalog.>) 20,
		          pg_catalog.pg_typeof(id) OPERATOR(pg_catalog.=) 'public_old.flakeid'::pg_catalog.regtype}),
		't|t', "$db: the next insert gets a flakeid key above the old ones");
	# A flakeid key guarded by a superuser; a row of node (1, 5) from other_origin binds it,
	# one from dbo_origin is refused: the trigger runs no decoy.
	clean_run(
		$db, 'flakeid_guard() of a flakeid key', q{
		CREATE TABLE app.typed_events (id public_old.flakeid PRIMARY KEY, note text);
		SELECT public_old.flakeid_guard(pg_catalog.regclass 'app.typed_events');});
	($ret, $out, $err) = run_as(
		$db,
		"SELECT pg_catalog.pg_replication_origin_session_setup('other_origin');
		 INSERT INTO app.typed_events VALUES (" . sprintf($k, 5, 1) . ");
		 SELECT pg_catalog.pg_replication_origin_session_reset();
		 SELECT pg_catalog.pg_replication_origin_session_setup('dbo_origin');
		 INSERT INTO app.typed_events VALUES (" . sprintf($k, 5, 2) . ");");
	is(decoys_in($err), '', "$db: the guard of a flakeid key runs no decoy");
	like($err, qr/ERROR:  flakeid guard: node \(datacenter 1, machine 5\) arrives from replication origin "dbo_origin" but is bound to replication origin "other_origin"/,
		"$db: the guard of a flakeid key binds node (1, 5) and refuses it from another origin");
	is( run_as_value($db, 'SELECT pg_catalog.count(*) FROM app.typed_events'),
		'1', "$db: the bound origin's row of the flakeid key landed");
	# dbo's domain public.flakeid is no key's type: both refuse it (42804), running nothing.
	for my $call (
		q{SELECT * FROM public_old.flakeid_adopt(pg_catalog.regclass 'dbo_first.decoy_keyed')},
		q{SELECT public_old.flakeid_guard(pg_catalog.regclass 'dbo_first.decoy_keyed')})
	{
		($ret, $out, $err) = run_as($db, "\\set VERBOSITY verbose\n$call");
		is(decoys_in($err), '', "$db: $call: no decoy runs");
		like($err, qr/ERROR:  42804: (?:flakeid_guard: column|key column) "id" of table dbo_first\.decoy_keyed is public\.flakeid, not bigint or flakeid/,
			"$db: $call: dbo's domain public.flakeid is refused");
	}
	is(dbo_is_superuser(), 'f', "$db: flakeid keys: dbo is no superuser");
	is(run_as_value($db, 'SELECT pg_catalog.count(*) FROM dbo_log.ran WHERE by_role OPERATOR(pg_catalog.<>) \'dbo\''),
		'0', "$db: the decoys' log has no row of a superuser's");
}

# Whether the default of table $table (its one default) calls the extension's own
# flakeid_next() and nothing else: 't' when it does.
sub default_calls
{
	my ($db, $table) = @_;
	return run_as_value(
		$db, qq{
		SELECT p.oid OPERATOR(pg_catalog.=) x.oid
		  FROM pg_catalog.pg_attrdef d
		  JOIN pg_catalog.pg_depend dep ON dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_attrdef'::pg_catalog.regclass
		   AND dep.objid OPERATOR(pg_catalog.=) d.oid
		   AND dep.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
		  JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) dep.refobjid,
		       pg_catalog.pg_proc x
		 WHERE d.adrelid OPERATOR(pg_catalog.=) '$table'::pg_catalog.regclass
		   AND x.oid OPERATOR(pg_catalog.=) 'public_old.flakeid_next()'::pg_catalog.regprocedure});
}

# A single value of a statement run as a superuser (dies on an error).
sub run_as_value
{
	my ($db, $sql) = @_;
	return $node->safe_psql($db, $sql);
}

# ---- attack 2 and every example: the documentation's SQL, run by a superuser ------------
# dbo owns the database and its public schema, makes a schema named like the superuser
# ("$user", first on the default search path: CREATE EXTENSION goes there) and fills both
# with overloads and the catalog's decoys before the extension exists.
my @blocks = doc_sql_blocks();
for my $variant ('fresh', 'updated')
{
	$node->safe_psql('postgres', 'DROP DATABASE IF EXISTS app');
	$node->safe_psql('postgres', 'DROP DATABASE IF EXISTS shop');
	$node->safe_psql('postgres', 'CREATE DATABASE shop OWNER dbo');
	my ($ret, $out, $err) = run_as(
		'shop', $log_sql . qq{
		CREATE SCHEMA "$su";
		GRANT USAGE, CREATE ON SCHEMA "$su" TO PUBLIC;
		CREATE FUNCTION "$su".flakeid_span(text) RETURNS bigint
		LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
		BEGIN PERFORM dbo_log.ran('flakeid_span(text)'); RETURN 1; END \$\$;
		CREATE FUNCTION "$su".flakeid_max_id(text) RETURNS bigint
		LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
		BEGIN PERFORM dbo_log.ran('flakeid_max_id(text)'); RETURN 1; END \$\$;
		CREATE FUNCTION "$su".flakeid_adopt(text)
		RETURNS TABLE (relation regclass, previous text, sequence text, sequence_now text)
		LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
		BEGIN PERFORM dbo_log.ran('flakeid_adopt(text)'); RETURN; END \$\$;
		CREATE FUNCTION "$su".flakeid_adopt(text, drop_sequence boolean)
		RETURNS TABLE (relation regclass, previous text, sequence text, sequence_now text)
		LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
		BEGIN PERFORM dbo_log.ran('flakeid_adopt(text, drop_sequence boolean)'); RETURN; END \$\$;
	} . catalog_decoys('public') . catalog_decoys(qq{"$su"})
		  . overload_like_readme(qq{"$su"}) . type_decoy('public'),
		'dbo');
	is($ret, 0, "shop ($variant): dbo plants its decoys") or diag($err);
	if ($variant eq 'updated')
	{
		clean_run('shop', 'CREATE EXTENSION 1.3, then UPDATE',
			"CREATE EXTENSION flakeid VERSION '1.3'; ALTER EXTENSION flakeid UPDATE;");
	}
	for my $block (@blocks)
	{
		my $sql = $block->{sql};
		$sql =~ s/^CREATE EXTENSION flakeid;/CREATE EXTENSION IF NOT EXISTS flakeid;/m
		  if $variant eq 'updated';
		clean_run('shop', "$variant, $block->{file} line $block->{line} ($block->{heading})",
			$sql);
	}
	is(dbo_is_superuser(), 'f', "shop ($variant): dbo is no superuser");
	$node->safe_psql('postgres', 'ALTER ROLE dbo NOSUPERUSER');
}

# Overloads that only the README's calls with untyped literals would pick: every function
# the extension has, named as the README calls it, with text arguments. Made before the
# extension exists, so the names are written here.
sub overload_like_readme
{
	my ($s) = @_;
	my $sql = '';
	for my $f (
		[ 'flakeid_min_id', 'text, text' ], [ 'flakeid_min_id', 'text' ],
		[ 'flakeid_timestamp', 'bigint, text' ], [ 'flakeid_decode', 'bigint, text' ],
		[ 'flakeid_node', 'bigint, text' ], [ 'flakeid_span', 'text, text' ],
		[ 'flakeid_guard', 'text' ], [ 'flakeid_guard', 'text, text' ])
	{
		my ($name, $args) = @$f;
		$sql .= qq{
CREATE FUNCTION $s.$name($args) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS \$\$
BEGIN PERFORM dbo_log.ran('$name($args)'); RETURN NULL; END \$\$;};
	}
	return $sql;
}

# Every call of a flakeid function in the documentation's SQL (fenced and inline) gives each
# literal a type: a superuser who copies them runs the extension's function, whatever
# overloads the search path holds.
my @untyped;
for my $sql (readme_sql_texts())
{
	while ($sql =~ /(flakeid_\w+)(\((?:[^()']|'[^']*'|(?2))*\))/g)
	{
		my ($fn, $args) = ($1, $2);
		# the call's own arguments: nested calls' parentheses emptied
		my $inner = substr($args, 1, -1);
		1 while $inner =~ s/\((?:[^()']|'[^']*'|\(\))+\)/()/g;
		while ($inner =~ /(\w+\s+)?'[^']*'(::)?/g)
		{
			my ($before, $cast) = ($1 // '', $2);
			next if $cast;
			next
			  if $before =~
			  /^(?:interval|timestamptz|text|regclass|name|bigint|integer|date|DEFAULT)\s+$/;
			push @untyped, "$fn$args";
		}
	}
}
is(join("\n", @untyped), '',
	'the README and docs/*.md give every literal of a flakeid call a type');

# ---- the red team's attack on the flakeid type (issue 24) --------------------------------
# The flakeid type once borrowed bigint's operators through its implicit cast, so that an
# operator dbo made on the type in a schema it may create in (public, which it owns) was
# an exact match and beat pg_catalog's: a superuser's plain WHERE id = 5 ran it. The
# extension lives in a schema of the superuser's, "keys", ahead of public on the path; its
# own operators are exact matches there. dbo plants =(flakeid, integer),
# =(flakeid, bigint), <(flakeid, integer), max(flakeid) and min(flakeid) in public; the
# superuser filters, joins with a bigint column, sorts and takes max() and min() with
# unqualified operators and aggregates (max(id) once ran pg_catalog's max(bigint) through
# the cast, and dbo's exact match won). (A schema ahead of the
# extension's would win with any operator or function of any extension: docs/security.md.)
$node->safe_psql('postgres', 'CREATE DATABASE redteam OWNER dbo');
$node->safe_psql(
	'redteam', q{
	CREATE SCHEMA keys;
	GRANT USAGE ON SCHEMA keys TO PUBLIC;
	CREATE EXTENSION flakeid SCHEMA keys;
	ALTER DATABASE redteam SET search_path = keys, public;
	CREATE TABLE public.t (id keys.flakeid PRIMARY KEY, note text);
	INSERT INTO public.t SELECT g, 'n' || g FROM pg_catalog.generate_series(1, 10) AS g;
	CREATE TABLE public.b (id bigint);
	INSERT INTO public.b SELECT g FROM pg_catalog.generate_series(4, 6) AS g;
});
my ($rt_ret, $rt_out, $rt_err) = run_as(
	'redteam', $log_sql . q{
	CREATE FUNCTION public.grab_eq_int(l keys.flakeid, r integer) RETURNS boolean
	LANGUAGE plpgsql AS $$ BEGIN
	  PERFORM dbo_log.ran('=(flakeid, integer)');
	  RETURN l::bigint OPERATOR(pg_catalog.=) r; END $$;
	CREATE FUNCTION public.grab_eq_big(l keys.flakeid, r bigint) RETURNS boolean
	LANGUAGE plpgsql AS $$ BEGIN
	  PERFORM dbo_log.ran('=(flakeid, bigint)');
	  RETURN l::bigint OPERATOR(pg_catalog.=) r; END $$;
	CREATE FUNCTION public.grab_lt_int(l keys.flakeid, r integer) RETURNS boolean
	LANGUAGE plpgsql AS $$ BEGIN
	  PERFORM dbo_log.ran('<(flakeid, integer)');
	  RETURN l::bigint OPERATOR(pg_catalog.<) r; END $$;
	CREATE OPERATOR public.= (LEFTARG = keys.flakeid, RIGHTARG = integer,
	                          FUNCTION = public.grab_eq_int);
	CREATE OPERATOR public.= (LEFTARG = keys.flakeid, RIGHTARG = bigint,
	                          FUNCTION = public.grab_eq_big);
	CREATE OPERATOR public.< (LEFTARG = keys.flakeid, RIGHTARG = integer,
	                          FUNCTION = public.grab_lt_int);
	CREATE FUNCTION public.grab_max_step(s keys.flakeid, v keys.flakeid) RETURNS keys.flakeid
	LANGUAGE plpgsql AS $$ BEGIN
	  PERFORM dbo_log.ran('max(flakeid)');
	  RETURN pg_catalog.greatest(s::bigint, v::bigint)::keys.flakeid; END $$;
	CREATE AGGREGATE public.max(keys.flakeid) (SFUNC = public.grab_max_step,
	                                           STYPE = keys.flakeid);
	CREATE AGGREGATE public.min(keys.flakeid) (SFUNC = public.grab_max_step,
	                                           STYPE = keys.flakeid);
}, 'dbo');
is($rt_ret, 0,
	'redteam: dbo plants =(flakeid, integer), =(flakeid, bigint), <(flakeid, integer), max(flakeid), min(flakeid) in public'
)
  or diag($rt_err);
for my $case (
	[ 'WHERE id = 5', 'SELECT note FROM t WHERE id = 5', 'n5' ],
	[ 'WHERE id = 5::bigint', 'SELECT note FROM t WHERE id = 5::bigint', 'n5' ],
	[ 'WHERE id < 3', 'SELECT string_agg(note, \',\' ORDER BY id) FROM t WHERE id < 3', 'n1,n2' ],
	[ 'a join with a bigint column',
	  'SELECT string_agg(t.note, \',\' ORDER BY t.id) FROM t JOIN b ON t.id = b.id', 'n4,n5,n6' ],
	[ 'a join with a bigint column, commuted',
	  'SELECT count(*) FROM b JOIN t ON b.id = t.id', '3' ],
	[ 'an IN list', 'SELECT count(*) FROM t WHERE id IN (5, 7::bigint)', '2' ],
	[ 'max(id) and min(id)', 'SELECT max(id) || \',\' || min(id) FROM t', '10,1' ],
	[ 'max(id), not read from the index', 'SELECT max(id) FROM t WHERE note <> \'\'', '10' ])
{
	my ($what, $sql, $want) = @$case;
	my ($ret, $out, $err) = run_as('redteam', $sql);
	is(decoys_in($err), '', "redteam: $what: no decoy runs");
	is($out, $want, "redteam: $what: the right rows");
}
is(dbo_is_superuser(), 'f', 'redteam: dbo is no superuser');
# Planted with the extension's own signatures in the extension's schema, they are refused.
($rt_ret, $rt_out, $rt_err) = run_as(
	'redteam', q{CREATE OPERATOR keys.= (LEFTARG = keys.flakeid, RIGHTARG = integer,
	                                     FUNCTION = public.grab_eq_int)}, 'dbo');
like($rt_err, qr/ERROR:  permission denied for schema keys/,
	'redteam: dbo cannot plant in the extension\'s schema');

# Changing a key to flakeid binds the table's expressions on it again (index expressions,
# CHECK constraints), from their text, under the session's search path: an operator that
# took the bigint key (id >> 22) is looked up again for a flakeid, where dbo's exact match
# in public would win. Under the path docs/json-keys.md gives for the change (pg_catalog
# and the extension's schema), bigint's operator is bound through the cast.
$node->safe_psql(
	'redteam', q{
	CREATE TABLE public.conv (id bigint PRIMARY KEY, n integer);
	CREATE INDEX conv_shard ON public.conv ((id >> 22));
	ALTER TABLE public.conv ADD CONSTRAINT conv_positive CHECK (id >> 1 >= 0);
	INSERT INTO public.conv SELECT g, g FROM pg_catalog.generate_series(1, 3) AS g;
});
($rt_ret, $rt_out, $rt_err) = run_as(
	'redteam', q{
	CREATE FUNCTION public.grab_shr(l keys.flakeid, r integer) RETURNS bigint
	LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN
	  PERFORM dbo_log.ran('>>(flakeid, integer)');
	  RETURN l::bigint OPERATOR(pg_catalog.>>) r; END $$;
	CREATE OPERATOR public.>> (LEFTARG = keys.flakeid, RIGHTARG = integer,
	                           FUNCTION = public.grab_shr);
}, 'dbo');
is($rt_ret, 0, 'redteam: dbo plants >>(flakeid, integer) in public') or diag($rt_err);
($rt_ret, $rt_out, $rt_err) = run_as(
	'redteam', q{
	SET search_path = pg_catalog, keys;
	ALTER TABLE public.conv ALTER COLUMN id TYPE keys.flakeid;
	INSERT INTO public.conv VALUES (4, 4);
	SELECT pg_catalog.pg_get_indexdef('public.conv_shard'::pg_catalog.regclass)
	       OPERATOR(pg_catalog.||) ' / '
	       OPERATOR(pg_catalog.||) pg_catalog.pg_get_constraintdef(c.oid)
	  FROM pg_catalog.pg_constraint AS c WHERE c.conname = 'conv_positive';
});
is($rt_ret, 0, 'redteam: the key changed to flakeid under the documented path') or diag($rt_err);
is(decoys_in($rt_err), '', 'redteam: the change and a later insert run no decoy');
like($rt_out, qr/\(\(\(id\)::bigint >> 22\)\)\) \/ CHECK \(\(\(\(id\)::bigint >> 1\) >= 0\)\)$/,
	'redteam: the index expression and the CHECK are bound to bigint\'s >> through the cast');
is(dbo_is_superuser(), 'f', 'redteam: dbo is still no superuser after the change');

$node->stop;
done_testing();
