# Every way to the newest version ends with the same extension: in one server, a database
# made with CREATE EXTENSION flakeid (the install script make builds from sql/flakeid/*.sql)
# and one for each older version v (CREATE EXTENSION flakeid VERSION 'v', which runs
# flakeid--1.0.sql and the update scripts up to v, then ALTER EXTENSION flakeid UPDATE,
# which runs the rest). Each is described object by object from the catalogs and compared
# with the fresh one: every member and what it is, each function's definition
# (pg_get_functiondef: arguments, defaults, result, language, volatility, strictness,
# SECURITY DEFINER, parallel safety, cost, rows, SET options, body), aggregates, views'
# definitions, tables' columns, defaults, constraints, indexes, triggers, policies and
# options, sequences' parameters, types, operators, casts, operator classes and families,
# event triggers, the dependencies of every member, the ACL of every member and column and
# pg_init_privs, every comment, and the extension's config-dump tables (extconfig,
# extcondition). A member of a kind this test does not describe fails it, so a new kind of
# object comes with its comparison. An update script that forgets a GRANT, a SET, a
# comment or a column shows here, with the line that differs.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# An ACL as its items, "grantee:privilege" (a * for WITH GRANT OPTION), sorted.
my $acl_items = <<'SQL';
CREATE FUNCTION pg_temp.acl_items(acl aclitem[]) RETURNS text LANGUAGE sql AS $$
  SELECT pg_catalog.string_agg(g.item, ' ' ORDER BY g.item)
    FROM pg_catalog.aclexplode(acl) AS a
    CROSS JOIN LATERAL (SELECT CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::pg_catalog.regrole::text END
                               || ':' || a.privilege_type
                               || CASE WHEN a.is_grantable THEN '*' ELSE '' END AS item) AS g
$$;
SQL

# One line per fact: "<kind> <identity> | <aspect> | <value>", sorted; a value of several
# lines (a function's definition) goes on, each line indented by four spaces.
my $describe = $acl_items . <<'SQL';
WITH ext AS (SELECT e.oid, e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'flakeid'),
m AS (
  SELECT d.classid, d.objid, o.type AS kind, o.identity AS ident
    FROM pg_catalog.pg_depend d
    JOIN ext ON d.refobjid = ext.oid
    CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, 0) AS o
   WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'),
facts(kind, ident, aspect, value) AS (
  -- The extension itself.
  SELECT 'extension', e.extname::text, 'version, relocatable, schema',
         pg_catalog.concat_ws(', ', e.extversion, e.extrelocatable, e.extnamespace::pg_catalog.regnamespace)
    FROM pg_catalog.pg_extension e WHERE e.extname = 'flakeid'
  UNION ALL
  SELECT 'extension', e.extname::text, 'config-dump tables (extconfig, extcondition)',
         pg_catalog.concat_ws(' ', e.extconfig::pg_catalog.regclass[]::text, e.extcondition::text)
    FROM pg_catalog.pg_extension e WHERE e.extname = 'flakeid'
  UNION ALL
  -- Every member, and whether this test describes its kind.
  SELECT m.kind, m.ident, 'member',
         CASE WHEN m.classid IN ('pg_catalog.pg_proc'::pg_catalog.regclass,
                                 'pg_catalog.pg_class'::pg_catalog.regclass,
                                 'pg_catalog.pg_type'::pg_catalog.regclass,
                                 'pg_catalog.pg_operator'::pg_catalog.regclass,
                                 'pg_catalog.pg_cast'::pg_catalog.regclass,
                                 'pg_catalog.pg_opclass'::pg_catalog.regclass,
                                 'pg_catalog.pg_opfamily'::pg_catalog.regclass,
                                 'pg_catalog.pg_event_trigger'::pg_catalog.regclass)
              THEN 'described'
              ELSE 'NOT DESCRIBED (' || m.classid::pg_catalog.regclass::text || '): extend test/t/042' END
    FROM m
  UNION ALL
  -- What each member depends on (its extension aside).
  SELECT m.kind, m.ident, 'depends on',
         pg_catalog.string_agg(r.type || ' ' || r.identity || ' (' || d.deptype::text || ')', '; '
                               ORDER BY r.type, r.identity, d.deptype::text)
    FROM m
    JOIN pg_catalog.pg_depend d ON d.classid = m.classid AND d.objid = m.objid AND d.deptype <> 'e'
    CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.refclassid, d.refobjid, d.refobjsubid) AS r
   GROUP BY m.kind, m.ident
  UNION ALL
  -- Comments, on the member and on its columns.
  SELECT m.kind, m.ident, 'comment' || CASE WHEN c.objsubid <> 0 THEN ' on column ' || c.objsubid ELSE '' END,
         c.description
    FROM m JOIN pg_catalog.pg_description c ON c.classoid = m.classid AND c.objoid = m.objid
  UNION ALL
  -- The privileges the extension's scripts left (pg_init_privs), on the member and its columns.
  SELECT m.kind, m.ident, 'initial privileges' || CASE WHEN i.objsubid <> 0 THEN ' of column ' || i.objsubid ELSE '' END,
         i.privtype::text || ' ' || pg_temp.acl_items(i.initprivs)
    FROM m JOIN pg_catalog.pg_init_privs i ON i.classoid = m.classid AND i.objoid = m.objid
  UNION ALL
  -- ---- functions, procedures, aggregates ----
  SELECT m.kind, m.ident, 'definition',
         CASE WHEN p.prokind = 'a' THEN 'aggregate' ELSE pg_catalog.pg_get_functiondef(p.oid) END
    FROM m JOIN pg_catalog.pg_proc p ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'kind, volatility, strict, security definer, parallel, leakproof, cost, rows, config, owner, language, argument names',
         pg_catalog.concat_ws(', ', p.prokind, p.provolatile, p.proisstrict, p.prosecdef, p.proparallel,
                              p.proleakproof, p.procost, p.prorows, p.proconfig::text,
                              p.proowner::pg_catalog.regrole, l.lanname, p.proargnames::text)
    FROM m JOIN pg_catalog.pg_proc p ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = m.objid
    JOIN pg_catalog.pg_language l ON l.oid = p.prolang
  UNION ALL
  SELECT m.kind, m.ident, 'privileges',
         pg_temp.acl_items(coalesce(p.proacl, pg_catalog.acldefault('f'::"char", p.proowner)))
    FROM m JOIN pg_catalog.pg_proc p ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND p.oid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'aggregate',
         pg_catalog.concat_ws(', ', g.aggkind, g.aggnumdirectargs, g.aggtransfn::pg_catalog.regprocedure,
                              g.aggfinalfn::pg_catalog.regprocedure, g.aggcombinefn::pg_catalog.regprocedure,
                              g.aggserialfn::pg_catalog.regprocedure, g.aggdeserialfn::pg_catalog.regprocedure,
                              g.aggmtransfn::pg_catalog.regprocedure, g.aggminvtransfn::pg_catalog.regprocedure,
                              g.aggmfinalfn::pg_catalog.regprocedure, g.aggfinalextra, g.aggmfinalextra,
                              g.aggfinalmodify, g.aggmfinalmodify, g.aggsortop::pg_catalog.regoperator,
                              g.aggtranstype::pg_catalog.regtype, g.aggtransspace,
                              g.aggmtranstype::pg_catalog.regtype, g.aggmtransspace, g.agginitval, g.aggminitval)
    FROM m JOIN pg_catalog.pg_aggregate g ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND g.aggfnoid = m.objid
  UNION ALL
  -- ---- relations: tables, views, sequences, indexes ----
  SELECT m.kind, m.ident, 'kind, persistence, options, row security, forced, replica identity, owner',
         pg_catalog.concat_ws(', ', c.relkind, c.relpersistence, c.reloptions::text, c.relrowsecurity,
                              c.relforcerowsecurity, c.relreplident, c.relowner::pg_catalog.regrole)
    FROM m JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'privileges',
         pg_temp.acl_items(coalesce(c.relacl, pg_catalog.acldefault(
                   CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner)))
    FROM m JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'view definition', pg_catalog.pg_get_viewdef(c.oid)
    FROM m JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = m.objid
   WHERE c.relkind IN ('v', 'm')
  UNION ALL
  -- Columns by their place among the live ones: a column dropped and added again shows.
  SELECT m.kind, m.ident, 'column ' || pg_catalog.row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
         pg_catalog.concat_ws(', ', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
                              CASE WHEN a.attnotnull THEN 'not null' END,
                              'default ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
                              'identity ' || NULLIF(a.attidentity::text, ''),
                              'generated ' || NULLIF(a.attgenerated::text, ''),
                              'collation ' || NULLIF(a.attcollation, 0)::pg_catalog.regcollation::text,
                              -- Debian's 15 stores a pg_attver option of its own on every column, with a
                              -- value that differs from one database to another.
                              'options ' || (SELECT pg_catalog.array_agg(o ORDER BY o)
                                               FROM pg_catalog.unnest(a.attoptions) AS o
                                              WHERE o NOT LIKE 'pg\_attver=%')::text,
                              'privileges ' || pg_temp.acl_items(a.attacl))
    FROM m JOIN pg_catalog.pg_class c ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.oid = m.objid
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  UNION ALL
  SELECT m.kind, m.ident, 'constraint ' || k.conname,
         pg_catalog.pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END
    FROM m JOIN pg_catalog.pg_constraint k ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND k.conrelid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'index ' || i.indexrelid::pg_catalog.regclass::text, pg_catalog.pg_get_indexdef(i.indexrelid)
    FROM m JOIN pg_catalog.pg_index i ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND i.indrelid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'trigger ' || t.tgname, pg_catalog.pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text
    FROM m JOIN pg_catalog.pg_trigger t ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND t.tgrelid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'policy ' || p.polname,
         pg_catalog.concat_ws(', ', p.polcmd, p.polpermissive, p.polroles::pg_catalog.regrole[]::text,
                              pg_catalog.pg_get_expr(p.polqual, p.polrelid),
                              pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid))
    FROM m JOIN pg_catalog.pg_policy p ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND p.polrelid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'rule ' || r.rulename, pg_catalog.pg_get_ruledef(r.oid)
    FROM m JOIN pg_catalog.pg_rewrite r ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND r.ev_class = m.objid
   WHERE r.rulename <> '_RETURN'
  UNION ALL
  SELECT m.kind, m.ident, 'sequence type, start, increment, max, min, cache, cycle',
         pg_catalog.concat_ws(', ', s.seqtypid::pg_catalog.regtype, s.seqstart, s.seqincrement, s.seqmax,
                              s.seqmin, s.seqcache, s.seqcycle)
    FROM m JOIN pg_catalog.pg_sequence s ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND s.seqrelid = m.objid
  UNION ALL
  -- ---- types ----
  SELECT m.kind, m.ident, 'type',
         pg_catalog.concat_ws(', ', t.typtype, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory,
                              t.typispreferred, t.typdelim, t.typinput::pg_catalog.regprocedure,
                              t.typoutput::pg_catalog.regprocedure, t.typreceive::pg_catalog.regprocedure,
                              t.typsend::pg_catalog.regprocedure, t.typmodin::pg_catalog.regprocedure,
                              t.typmodout::pg_catalog.regprocedure, t.typanalyze::pg_catalog.regprocedure,
                              t.typsubscript::pg_catalog.regprocedure, t.typelem::pg_catalog.regtype,
                              t.typbasetype::pg_catalog.regtype, t.typtypmod, t.typnotnull,
                              t.typcollation::pg_catalog.regcollation, t.typdefault,
                              t.typowner::pg_catalog.regrole)
    FROM m JOIN pg_catalog.pg_type t ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'privileges',
         pg_temp.acl_items(coalesce(t.typacl, pg_catalog.acldefault('T'::"char", t.typowner)))
    FROM m JOIN pg_catalog.pg_type t ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'attribute ' || pg_catalog.row_number() OVER (PARTITION BY t.oid ORDER BY a.attnum),
         a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
    FROM m JOIN pg_catalog.pg_type t ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND t.oid = m.objid
    JOIN pg_catalog.pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT m.kind, m.ident, 'label ' || e.enumsortorder, e.enumlabel
    FROM m JOIN pg_catalog.pg_enum e ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND e.enumtypid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'constraint ' || k.conname, pg_catalog.pg_get_constraintdef(k.oid)
    FROM m JOIN pg_catalog.pg_constraint k ON m.classid = 'pg_catalog.pg_type'::pg_catalog.regclass AND k.contypid = m.objid
  UNION ALL
  -- ---- operators, casts, operator classes and families ----
  SELECT m.kind, m.ident, 'operator',
         pg_catalog.concat_ws(', ', o.oprkind, o.oprresult::pg_catalog.regtype, o.oprcode::pg_catalog.regprocedure,
                              o.oprrest::pg_catalog.regprocedure, o.oprjoin::pg_catalog.regprocedure,
                              o.oprcom::pg_catalog.regoperator, o.oprnegate::pg_catalog.regoperator,
                              o.oprcanmerge, o.oprcanhash, o.oprowner::pg_catalog.regrole)
    FROM m JOIN pg_catalog.pg_operator o ON m.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass AND o.oid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'cast',
         pg_catalog.concat_ws(', ', c.castfunc::pg_catalog.regprocedure, c.castcontext, c.castmethod)
    FROM m JOIN pg_catalog.pg_cast c ON m.classid = 'pg_catalog.pg_cast'::pg_catalog.regclass AND c.oid = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'operator class',
         pg_catalog.concat_ws(', ', c.opcintype::pg_catalog.regtype, c.opcdefault, c.opckeytype::pg_catalog.regtype,
                              f.identity, c.opcowner::pg_catalog.regrole)
    FROM m JOIN pg_catalog.pg_opclass c ON m.classid = 'pg_catalog.pg_opclass'::pg_catalog.regclass AND c.oid = m.objid
    CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_opfamily'::pg_catalog.regclass, c.opcfamily, 0) AS f
  UNION ALL
  SELECT m.kind, m.ident, 'operator ' || o.amopstrategy || ' ' || o.amoplefttype::pg_catalog.regtype
                          || ' ' || o.amoprighttype::pg_catalog.regtype,
         pg_catalog.concat_ws(', ', o.amopopr::pg_catalog.regoperator, o.amoppurpose, o.amopsortfamily)
    FROM m JOIN pg_catalog.pg_amop o ON m.classid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND o.amopfamily = m.objid
  UNION ALL
  SELECT m.kind, m.ident, 'support ' || p.amprocnum || ' ' || p.amproclefttype::pg_catalog.regtype
                          || ' ' || p.amprocrighttype::pg_catalog.regtype,
         p.amproc::pg_catalog.regprocedure::text
    FROM m JOIN pg_catalog.pg_amproc p ON m.classid = 'pg_catalog.pg_opfamily'::pg_catalog.regclass AND p.amprocfamily = m.objid
  UNION ALL
  -- ---- event triggers ----
  SELECT m.kind, m.ident, 'event trigger',
         pg_catalog.concat_ws(', ', t.evtevent, t.evtfoid::pg_catalog.regprocedure, t.evtenabled,
                              t.evttags::text, t.evtowner::pg_catalog.regrole)
    FROM m JOIN pg_catalog.pg_event_trigger t ON m.classid = 'pg_catalog.pg_event_trigger'::pg_catalog.regclass AND t.oid = m.objid)
SELECT f.kind || ' ' || f.ident || ' | ' || f.aspect || ' | '
       || pg_catalog.replace(coalesce(f.value, '<null>'), E'\n', E'\n    ')
  FROM facts f
 ORDER BY 1;
SQL

my $node = PostgreSQL::Test::Cluster->new('update_equals_fresh');
$node->init;
$node->start;

# The versions as installed: each has an install script or an update path from 1.0.
my $newest = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'flakeid'");
my @older = split /\n/, $node->safe_psql(
	'postgres', qq{
	SELECT version FROM pg_available_extension_versions
	 WHERE name = 'flakeid' AND version <> '$newest'
	 ORDER BY string_to_array(version, '.')::int[]});
ok(scalar(@older) >= 5 && $older[0] eq '1.0',
	"older versions to update from: @older (newest $newest)");
# The fresh install is the built script itself, not 1.0 and the updates again: it exists,
# and it is the newest version's install script.
my $sharedir = $node->config_data('--sharedir');
ok(-f "$sharedir/extension/flakeid--$newest.sql",
	"flakeid--$newest.sql is installed: CREATE EXTENSION runs it, not the update chain");

$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION flakeid');
my $fresh = $node->safe_psql('fresh', $describe);
my %fresh = facts($fresh);

# The description is not empty where it matters: members of each kind flakeid has, a
# function's definition with its SET, the ACLs, the config-dump tables, the event trigger.
like($fresh, qr/\| member \| described/, 'the fresh install has members');
unlike($fresh, qr/NOT DESCRIBED/, 'every member is of a kind this test describes');
like($fresh,
	qr/function [^|]*flakeid_adopt_checked\([^|]*\| definition \|.*SET search_path TO 'pg_catalog', 'pg_temp'/s,
	"functions' definitions, with their SET options");
like($fresh, qr/flakeid_guard_forget[^|]*\| definition \|.*SECURITY DEFINER/s,
	'SECURITY DEFINER shows in the definition');
like($fresh, qr/flakeid_guard_forget[^|]*\| privileges \| \S+:EXECUTE$/m,
	'ACLs: flakeid_guard_forget() is its owner\'s alone');
like($fresh,
	qr/config-dump tables \(extconfig, extcondition\) \| \{[^}]*flakeid_high_water,[^}]*flakeid_guard_binding\}/,
	'the config-dump tables');
like($fresh, qr/event trigger flakeid_guard_ddl \| event trigger \| ddl_command_end/,
	'the event trigger');
like($fresh, qr/view [^|]*flakeid_guarded_tables \| view definition \|/, "views' definitions");
like($fresh, qr/table [^|]*flakeid_guard_binding \| column 7 \| first_seen/,
	"tables' columns");

# The facts of a description: "<kind> <identity> | <aspect>" => value. A key seen twice
# fails the test (its facts could not be compared).
sub facts
{
	my ($text) = @_;
	my %facts;
	for my $line (split /\n(?! {4})/, $text)
	{
		my ($key, $value) = $line =~ /^(.*? \| .*?) \| (.*)$/s
		  or die "not a fact: $line";
		die "two facts of $key" if exists $facts{$key};
		$facts{$key} = $value;
	}
	return %facts;
}

# A unified diff of two values.
sub value_diff
{
	my ($old, $new) = @_;
	my $dir = PostgreSQL::Test::Utils::tempdir();
	PostgreSQL::Test::Utils::append_to_file("$dir/fresh", "$old\n");
	PostgreSQL::Test::Utils::append_to_file("$dir/updated", "$new\n");
	my ($out) = run_command([ 'diff', '-U', '3', "$dir/fresh", "$dir/updated" ]);
	return join "\n", grep { !/^(---|\+\+\+) / } split /\n/, $out;
}

# Every path: from each older version, the update scripts to the newest.
for my $from (@older)
{
	(my $db = "from_$from") =~ s/\./_/g;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION flakeid VERSION '$from'");
	$node->safe_psql($db, 'ALTER EXTENSION flakeid UPDATE');
	is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'flakeid'"),
		$newest, "$from updated to $newest");
	my %updated = facts($node->safe_psql($db, $describe));

	# A fact on one side only, or with another value (shown as a diff).
	my @report;
	for my $key (sort keys %fresh)
	{
		if (!exists $updated{$key})
		{
			push @report, "only in a fresh $newest: $key | $fresh{$key}";
		}
		elsif ($updated{$key} ne $fresh{$key})
		{
			push @report, "differs, fresh $newest (---) and $from -> $newest (+++): $key\n"
			  . value_diff($fresh{$key}, $updated{$key});
		}
	}
	push @report, map { "only after $from -> $newest: $_ | $updated{$_}" }
	  grep { !exists $fresh{$_} } sort keys %updated;
	is(join("\n", @report), '',
		"$from -> $newest has the objects of a fresh $newest, object by object ("
		  . scalar(keys %fresh) . ' facts)');
}

$node->stop;
done_testing();
