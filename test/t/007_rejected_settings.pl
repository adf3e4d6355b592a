# flakeid makes no ID under settings other than the ones asked for. In fresh sessions of a
# server that does not preload flakeid and of one that does, every invalid value of each of
# the seven settings, set by SET, by ALTER ROLE ... SET or by ALTER DATABASE ... SET, then
# SELECT flakeid_next(), ends in an error and no ID: at the SET (where flakeid is loaded and
# checks it) or at the first call (FL010). So does a valid value that a role without the
# right tried to set. A misspelt postgresql.conf entry, a value or a name, makes
# flakeid_next() refuse, and fixing the file and reloading makes it work again, in new
# sessions and in the sessions that were refusing. An invalid value stored for a database
# while flakeid was not loaded refuses too when the server preloads flakeid later.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest qw(start_node edit_conf reload_and_wait);

# Each setting with an invalid value and a valid one.
my @settings = (
	[ 'flakeid.layout', '20,5,5,33', 'twitter' ],
	[ 'flakeid.epoch', '1600000000000000', '0' ],
	[ 'flakeid.datacenter_id', '-2', '1' ],
	[ 'flakeid.machine_id', 'seven', '1' ],
	[ 'flakeid.clock_tolerance_ms', '2h', '20' ],
	[ 'flakeid.clock_policy', 'logicall', 'logical' ],
	[ 'flakeid.max_clock_lead_ms', '-5', '100' ]);
my $role = 'regress_flakeid_role';

# Runs the statements in a new session as $user; returns (stdout, stderr).
sub session
{
	my ($node, $user, $sql) = @_;
	my ($ret, $out, $err) = $node->psql(
		'postgres', "\\set VERBOSITY verbose\n$sql",
		on_error_stop => 0,
		extra_params => [ '-U', $user ]);
	return ($out, $err);
}

# One attempt: a value is set by $route ('SET', 'ALTER ROLE' or 'ALTER DATABASE', by
# $setter), then the role asks for an ID in a new session (after SET: in the same one).
# Returns where it ended: 'ID' when an ID came out, else 'refused at the SET (SQLSTATE)'
# or 'refused at the call (SQLSTATE)'.
sub attempt
{
	my ($node, $route, $setter, $name, $value) = @_;
	my $target =
	    $route eq 'SET' ? ''
	  : $route eq 'ALTER ROLE' ? "ALTER ROLE $role "
	  : 'ALTER DATABASE postgres ';
	my $call = "SELECT 'ID ' || flakeid_next();\n\\echo CALL :SQLSTATE";
	my ($out) = session($node, $setter,
		"${target}SET $name = '$value';\n\\echo SET :SQLSTATE\n" . ($route eq 'SET' ? $call : ''));
	my ($set_state) = $out =~ /^SET (\w+)$/m;
	return "refused at the SET ($set_state)" if $set_state ne '00000';
	($out) = session($node, $role, $call) if $route ne 'SET';
	$node->safe_psql('postgres',
		"ALTER ROLE $role RESET ALL; ALTER DATABASE postgres RESET ALL;")
	  if $route ne 'SET';
	return 'ID' if $out =~ /^ID \d+$/m;
	my ($call_state) = $out =~ /^CALL (\w+)$/m;
	return 'refused at the call (' . ($call_state // 'none') . ')';
}

# Sets up a node, preloading flakeid or not.
sub new_node
{
	my ($name, $preload) = @_;
	my $node = start_node($name, preload => $preload);
	$node->safe_psql('postgres',
		"CREATE EXTENSION flakeid; CREATE ROLE $role LOGIN; SELECT flakeid_next();");
	return $node;
}

# Appends lines to postgresql.conf and reloads; waits until a new session sees the reload.
sub conf_and_reload
{
	my ($node, $lines) = @_;
	$node->append_conf('postgresql.conf', $lines);
	reload_and_wait($node);
	return;
}

# Stores settings for a database or a role while flakeid is not loaded: restarts the
# server without preloading flakeid, runs $sql, and restarts it preloading flakeid.
sub store_unloaded
{
	my ($node, $sql) = @_;
	$node->stop;
	$node->append_conf('postgresql.conf', "shared_preload_libraries = ''");
	$node->start;
	$node->safe_psql('postgres', $sql);
	$node->append_conf('postgresql.conf', "shared_preload_libraries = 'flakeid'");
	$node->restart;
	return;
}

# Removes the lines appended after the last mark line from postgresql.conf.
sub restore_conf
{
	my ($node) = @_;
	edit_conf($node, 'postgresql.conf', sub { s/# --- mark ---\n.*\z/# --- mark ---\n/s });
	return;
}

for my $preload (0, 1)
{
	my $kind = $preload ? 'preloaded' : 'not preloaded';
	my $node = new_node($preload ? 'preload' : 'plain', $preload);
	my %ended;
	for my $s (@settings)
	{
		my ($name, $bad, $good) = @$s;
		for my $route ('SET', 'ALTER ROLE', 'ALTER DATABASE')
		{
			my $how = attempt($node, $route, 'postgres', $name, $bad);
			unlike($how, qr/^ID/, "$kind, $route $name = '$bad': $how");
			$ended{$how}++;
		}
		# A role that may not set it: a valid value by SET, and by ALTER ROLE of itself.
		my $how = attempt($node, 'SET', $role, $name, $good);
		unlike($how, qr/^ID/, "$kind, SET $name = '$good' by a role without the right: $how");
		$how = attempt($node, 'ALTER ROLE', $role, $name, $good);
		unlike($how, qr/^ID/,
			"$kind, ALTER ROLE ... SET $name = '$good' by the role itself: $how");
	}
	note "$kind: " . join(', ', map { "$ended{$_} $_" } sort keys %ended);
	# Without preloading, the invalid values are all refused at the call, with FL010.
	is($ended{'refused at the call (FL010)'} // 0,
		21, 'not preloaded: 7 settings x 3 routes refused at the first call with FL010')
	  unless $preload;

	# ---- postgresql.conf: a misspelt value, then a misspelt name ----
	$node->append_conf('postgresql.conf', "# --- mark ---\n");
	my $file_line = qr/in the configuration file ".*postgresql\.conf", line \d+/;
	my @cases = (
		[ "flakeid.layout = 'twiter'", qr/flakeid\.layout is set to "twiter", which is not a valid value/ ],
		[ "flakeid.machine_id = 'seven'", qr/flakeid\.machine_id is set to "seven", which is not a valid value/ ],
		[ "flakeid.machine_idd = 7", qr/flakeid\.machine_idd is set to "7", but flakeid has no setting of that name/ ]);
	for my $case (@cases)
	{
		my ($line, $message) = @$case;
		# Preloaded, the server checks it when it starts; else each session when it loads
		# flakeid (a reload hands the line to new sessions).
		if ($preload)
		{
			$node->append_conf('postgresql.conf', "$line\n");
			$node->restart;
		}
		else
		{
			conf_and_reload($node, "$line\n");
		}
		# A session that refuses, and stays open while the file is fixed.
		my $open = $node->background_psql('postgres', on_error_stop => 0);
		$open->query('\set VERBOSITY verbose');
		$open->{stderr} = '';
		$open->query("SELECT 'ID ' || flakeid_next()");
		my $err = $open->{stderr};
		like($err, qr/ERROR:  FL010: $message/, "$kind, postgresql.conf '$line': refused");
		like($err, qr/DETAIL:  .*$file_line/,
			"$kind, postgresql.conf '$line': the error names the file and line");
		like($err, qr/HINT:  .*reload/, "$kind, postgresql.conf '$line': the hint says reload");
		my ($out) = session($node, 'postgres', "SELECT 'ID ' || flakeid_next();");
		unlike($out, qr/ID \d+/, "$kind, postgresql.conf '$line': no ID in a new session");

		restore_conf($node);
		conf_and_reload($node, '');
		($out) = session($node, 'postgres', "SELECT 'ID ' || flakeid_next();");
		like($out, qr/ID \d+/, "$kind, '$line' removed and reloaded: a new session makes IDs");
		$open->{stderr} = '';
		$out = $open->query("SELECT 'ID ' || flakeid_next()");
		like($out, qr/ID \d+/,
			"$kind, '$line' removed and reloaded: the session that refused makes IDs")
		  or diag($open->{stderr});
		$open->quit;
	}
	$node->stop;
}

# ALTER DATABASE ... SET of an invalid layout stored while flakeid was not loaded, then the
# server preloads flakeid: a session applies the stored value as it starts, with flakeid
# already loaded. It is held as rejected there too, not dropped for the default.
my $node = new_node('stored_then_preloaded', 0);
$node->safe_psql('postgres', q{ALTER DATABASE postgres SET flakeid.layout = 'twiter'});
$node->append_conf('postgresql.conf', "shared_preload_libraries = 'flakeid'");
$node->restart;
my ($out, $err) = session($node, 'postgres', "SELECT 'ID ' || flakeid_next();");
unlike($out, qr/ID \d+/, 'preloaded, a stored invalid layout: no ID');
like($err, qr/ERROR:  FL010: flakeid\.layout is set to "twiter", which is not a valid value/,
	'preloaded, a stored invalid layout: refused with FL010');
like($err, qr/DETAIL:  .*ALTER DATABASE/, 'the error says where it was set');
$node->safe_psql('postgres', 'ALTER DATABASE postgres RESET flakeid.layout');
($out) = session($node, 'postgres', "SELECT 'ID ' || flakeid_next();");
like($out, qr/ID \d+/, 'once the database setting is corrected, new sessions make IDs');

# Node ids stored for a database and for a role while flakeid was not loaded (issue 19,
# item 7): valid numbers, but server settings, which a session cannot set. With flakeid
# preloaded, PostgreSQL drops them as each session starts ("cannot be changed now") and
# the server's node ids would be in force. flakeid finds them in pg_db_role_setting and
# refuses instead, naming the value stored.
store_unloaded(
	$node, qq{
	ALTER DATABASE postgres SET flakeid.layout = 'twitter';
	ALTER DATABASE postgres SET flakeid.datacenter_id = 3;
	ALTER ROLE $role IN DATABASE postgres SET flakeid.machine_id = 5;});
# An ID and the node it carries.
my $id_and_node = q{SELECT 'ID ' || s.id || ' of node ' || d.datacenter_id || '|' || d.machine_id
FROM (SELECT flakeid_next() AS id) s, flakeid_decode(s.id) d;};
for my $case ([ 'postgres', qr/flakeid\.datacenter_id is set to "3" where it cannot be set/ ],
	[ $role, qr/flakeid\.(datacenter_id is set to "3"|machine_id is set to "5") where it cannot be set/ ])
{
	my ($user, $message) = @$case;
	($out, $err) = session($node, $user, $id_and_node);
	note "preloaded, node ids stored per database/role, as $user: $out $err";
	unlike($out, qr/ID \d+/, "preloaded, node ids stored per database and role, as $user: no ID");
	like($err, qr/ERROR:  FL010: $message/, "as $user: refused with FL010, naming the value");
	like($err, qr/DETAIL:  .*ALTER (DATABASE|ROLE)/, "as $user: the error says where it was set");
}
# With flakeid loaded, PostgreSQL refuses to RESET a server setting for a database or a role
# ("cannot be changed now"): RESET ALL removes it, and the layout is set again.
$node->safe_psql('postgres',
	q{ALTER DATABASE postgres RESET ALL; ALTER DATABASE postgres SET flakeid.layout = 'twitter'});
($out, $err) = session($node, $role, "SELECT 'ID ' || flakeid_next();");
like($err, qr/ERROR:  FL010: flakeid\.machine_id is set to "5" where it cannot be set/,
	"the role's machine id still refuses for the role");
($out) = session($node, 'postgres', "SELECT 'ID ' || flakeid_next();");
like($out, qr/ID \d+/, 'with the database setting removed, its sessions make IDs');

# An invalid clock tolerance (a superuser's setting) stored the same way: PostgreSQL drops it
# too ("outside the valid range"). It refuses while it would be in force: a valid SET in the
# session replaces it, RESET brings the refusal back.
store_unloaded($node, q{ALTER DATABASE postgres SET flakeid.clock_tolerance_ms = '2h'});
($out, $err) = session($node, 'postgres', qq{SELECT 'ID ' || flakeid_next();
SET flakeid.clock_tolerance_ms = 20;
SELECT 'SET ' || flakeid_next();
RESET flakeid.clock_tolerance_ms;
SELECT 'RESET ' || flakeid_next();});
note "preloaded, a stored invalid tolerance: $out $err";
unlike($out, qr/^ID \d+/m, 'preloaded, a stored invalid tolerance: no ID');
like($err, qr/ERROR:  FL010: flakeid\.clock_tolerance_ms is set to "2h", which is not a valid value/,
	'refused with FL010, naming the value');
like($out, qr/^SET \d+/m, 'a valid SET in the session replaces it');
unlike($out, qr/^RESET \d+/m, 'RESET brings the refusal back');
$node->safe_psql('postgres', 'ALTER DATABASE postgres RESET ALL');
$node->safe_psql('postgres', q{ALTER DATABASE postgres SET flakeid.layout = 'twitter'});
$node->safe_psql('postgres', "ALTER ROLE $role IN DATABASE postgres RESET ALL");
($out) = session($node, $role, "SELECT 'ID ' || flakeid_next();");
like($out, qr/ID \d+/, "with the role's setting removed, the role makes IDs");

# A value stored while a session runs (attack19 S1): PostgreSQL applies stored values when a
# session starts, so the session that stores one (or any session already open) does not have
# it in force. flakeid refuses there (the session would make IDs under another layout than
# the database's), and says why: not "set before flakeid was loaded" (flakeid is preloaded).
$node->safe_psql('postgres', 'ALTER DATABASE postgres RESET ALL');
($out, $err) = session($node, 'postgres', qq{ALTER DATABASE postgres SET flakeid.layout = 'twitter';
SELECT 'LAYOUT ' || layout FROM flakeid_capacity();
SET flakeid.layout = 'twitter';
SELECT 'SET ' || layout FROM flakeid_capacity();});
note "a value stored in this session: $out $err";
unlike($out, qr/^LAYOUT/m, 'a value stored after the session started: refused');
like($err,
	qr/ERROR:  FL010: the value "twitter" of flakeid\.layout, stored with ALTER DATABASE \.\.\. SET, is not in force in this session/,
	'the error says the stored value is not in force in this session');
like($err, qr/DETAIL:  PostgreSQL applies stored values when a session starts/,
	'and why');
unlike($err, qr/set before flakeid was loaded/, 'not "set before flakeid was loaded"');
like($out, qr/^SET twitter$/m, 'a SET in the session replaces it');
($out) = session($node, 'postgres', "SELECT 'LAYOUT ' || layout FROM flakeid_capacity();");
like($out, qr/^LAYOUT twitter$/m, 'a new session has it in force');
$node->safe_psql('postgres', 'ALTER DATABASE postgres RESET ALL');
$node->stop;

done_testing();
