# A flakeid.* value of the configuration files that PostgreSQL refuses at a reload: it logs
# "configuration file contains errors" and leaves the earlier value in force in every
# process that has flakeid loaded (every one, when it is preloaded). flakeid refuses
# (FL010) while the files decide that setting, in the sessions that were open and in new
# ones, after the reload and after a restart; fixing the file and reloading ends it.
#
# From PostgreSQL 17 on, ALTER SYSTEM SET flakeid.<x> = 'bogus' in a session that has not
# loaded flakeid writes the value unchecked into postgresql.auto.conf: that is the route
# taken there. Before 17 ALTER SYSTEM refuses it, and the test writes the same line into
# postgresql.auto.conf itself, as an edit of the file would.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest qw(start_node edit_conf reload_and_wait);

# Each case: the setting, a value PostgreSQL refuses, the message flakeid gives.
my @cases = (
	[ 'flakeid.layout', 'bogus', qr/flakeid\.layout is set to "bogus", which is not a valid value/ ],
	[ 'flakeid.machine_id', 'seven', qr/flakeid\.machine_id is set to "seven", which is not a valid value/ ],
	[ 'flakeid.max_clock_lead_ms', '-5', qr/flakeid\.max_clock_lead_ms is set to "-5", which is not a valid value/ ],
	[ 'flakeid.machine_idd', '7', qr/flakeid\.machine_idd is set to "7", but flakeid has no setting of that name/ ]);

# In a new session: 'ID' when flakeid_next() gave one, else the error's first line.
sub fresh_call
{
	my ($node, $sql) = @_;
	my ($ret, $out, $err) = $node->psql('postgres',
		"\\set VERBOSITY verbose\n" . ($sql // '') . "SELECT 'ID ' || flakeid_next();",
		on_error_stop => 0);
	return 'ID' if $out =~ /^ID \d+$/m;
	return $err;
}

# Writes `name = 'value'` into postgresql.auto.conf: with ALTER SYSTEM from a session that has
# not loaded flakeid where PostgreSQL takes it (not preloaded: from 17 always, before 17 when
# the session holds a placeholder of the name, here from a SET), else by hand.
sub write_auto_conf
{
	my ($node, $preload, $name, $value) = @_;
	if (!$preload)
	{
		my ($ret, $out, $err) = $node->psql('postgres',
			"SET $name = '$value'; ALTER SYSTEM SET $name = '$value'",
			on_error_stop => 0);
		if ($node->pg_version >= 17)
		{
			unlike($err, qr/ERROR/,
				"ALTER SYSTEM SET $name = '$value' is taken unchecked (17 and later)");
			return;
		}
		diag "before 17, after a SET: ALTER SYSTEM SET $name = '$value' "
		  . ($err =~ /ERROR/ ? "is refused: $err" : 'is taken unchecked');
		return if $err !~ /ERROR/;
	}
	$node->append_conf('postgresql.auto.conf', "$name = '$value'\n");
	return;
}

# Removes the flakeid.* lines of postgresql.auto.conf: ALTER SYSTEM RESET in a session that
# has loaded flakeid where PostgreSQL takes it, else by hand.
sub clear_auto_conf
{
	my ($node, $name) = @_;
	my ($ret, $out, $err) = $node->psql('postgres', "LOAD 'flakeid'; ALTER SYSTEM RESET $name",
		on_error_stop => 0);
	return if $err !~ /ERROR/;
	edit_conf($node, 'postgresql.auto.conf', sub { s/^flakeid\..*\n//mg });
	return;
}

for my $preload (0, 1)
{
	my $kind = $preload ? 'preloaded' : 'not preloaded';
	my $node = start_node($preload ? 'preload' : 'plain', preload => $preload);
	$node->safe_psql('postgres', 'CREATE EXTENSION flakeid');

	for my $case (@cases)
	{
		my ($name, $value, $message) = @$case;
		my $what = "$kind, $name = '$value' in postgresql.auto.conf";
		# A session that has made IDs before the reload, and stays open.
		my $open = $node->background_psql('postgres', on_error_stop => 0);
		$open->query('\set VERBOSITY verbose');
		like($open->query("SELECT 'ID ' || flakeid_next()"), qr/^ID \d+$/m,
			"$kind: an open session makes IDs");

		write_auto_conf($node, $preload, $name, $value);
		reload_and_wait($node);

		$open->{stderr} = '';
		my $out = $open->query("SELECT 'ID ' || flakeid_next()");
		unlike($out, qr/ID \d+/, "$what, reloaded: no ID in the open session");
		like($open->{stderr}, qr/ERROR:  FL010: $message/,
			"$what, reloaded: the open session refuses with FL010");
		like($open->{stderr}, qr/DETAIL:  .*postgresql\.auto\.conf", line \d+/,
			"$what: the error names the file and line");
		like($open->{stderr}, qr/HINT:  .*reload/, "$what: the hint says how to fix it");
		if ($name eq 'flakeid.layout')
		{
			$open->{stderr} = '';
			$out = $open->query("SELECT flakeid_decode(0)");
			like($open->{stderr}, qr/FL010/, "$what: the open session decodes nothing either");
			# A SET in the session is a value the files do not decide: IDs under it.
			$open->{stderr} = '';
			$out = $open->query(
				"SET flakeid.layout = 'twitter'; SELECT 'ID ' || flakeid_next(); RESET flakeid.layout");
			like($out, qr/ID \d+/, "$what: under a SET in the session, IDs");
			$open->{stderr} = '';
			$out = $open->query("SELECT 'ID ' || flakeid_next()");
			like($open->{stderr}, qr/FL010/, "$what: after RESET, refused again");
		}
		my $fresh = fresh_call($node);
		like($fresh, qr/ERROR:  FL010: $message/, "$what, reloaded: a new session refuses");

		$node->restart;
		$fresh = fresh_call($node);
		like($fresh, qr/ERROR:  FL010: $message/, "$what, restarted: a new session refuses");
		$open->quit;
		$open = $node->background_psql('postgres', on_error_stop => 0);
		$open->query("SELECT flakeid_next()");    # refused, and stays open

		clear_auto_conf($node, $name);
		reload_and_wait($node);
		is(fresh_call($node), 'ID', "$what, removed and reloaded: a new session makes IDs");
		$open->{stderr} = '';
		like($open->query("SELECT 'ID ' || flakeid_next()"), qr/^ID \d+$/m,
			"$what, removed and reloaded: the session that refused makes IDs")
		  or diag $open->{stderr};
		$open->quit;
	}
	$node->stop;
}

done_testing();
