# Failover as people run it: flakeid under Patroni with etcd (Debian 12's packages), one
# etcd and three PostgreSQL members on loopback ports of their own. flakeid's settings are
# the README's Patroni recipe, run as written (the ```yaml block "# recipe: patroni"): one
# node id for the cluster's primary role, in the DCS's postgresql.parameters.
#
# Each round writes rows with DEFAULT flakeid_next() keys in two databases of different
# layouts (twitter, large_cluster) through the current leader (test/bin/ha-writer.py, one
# client a database, which records every key it was told committed), while:
#   1. the leader's postmaster is killed (kill -9) and its Patroni stopped: Patroni
#      promotes a replica, whose clock is behind the old leader's (libfaketime in its
#      Patroni's environment: 0.3 s, 1 s, 5 s);
#   2. the old leader's Patroni is started again: it rejoins as a replica with pg_rewind;
#   3. a planned switchover back to it (patronictl switchover);
#   4. a replica is rebuilt from a fresh base backup of the leader (patronictl reinit).
# What must hold, and is counted for every round:
#   - no key twice, over every row on the leader and over every acknowledged key;
#   - with synchronous_mode, no acknowledged row lost;
#   - every key a new leader makes lies above every key committed before it took over;
#     meanwhile flakeid refuses only with its own SQLSTATEs (FL001/FL012), for no longer
#     than the clock difference and the second its marks run ahead of the IDs;
#   - each promoted node did not trust a mark file it got from another node (pg_rewind or
#     a base backup copies the leader's): it read the marks of every database, as its log
#     says, and the final leader's mark file names it.
#
# FLAKEID_HA_ROUNDS=offset:sync,... chooses the rounds. The default, 1:off,5:on, keeps the
# test at about three minutes here (190 s alone; three rounds took 350-400 s): 0.3 s (FLAKEID_HA_ROUNDS=0.3:on,1:off,5:on runs it too) never
# showed a refusal, as a failover here takes over 3 s, more than the clock difference and
# the marks' lead together, so it checks nothing the 1 s round does not.
# FLAKEID_HA_SECONDS is the load before and after each event (default 1).
use strict;
use warnings FATAL => 'all';

use File::Path qw(make_path);
use FindBin;
use HTTP::Tiny;
use JSON::PP;
use POSIX qw(setsid);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

for my $tool (qw(patroni patronictl etcd))
{
	next if grep { -x "$_/$tool" } split /:/, $ENV{PATH};
	plan skip_all => "$tool is not installed: Debian 12 packages it (patroni, etcd-server, "
	  . 'python3-etcd; make setup installs them)';
}
require_libfaketime();

my @rounds = map { [ split /:/ ] } split /,/,
  ($ENV{FLAKEID_HA_ROUNDS} // '1:off,5:on');
my $load = $ENV{FLAKEID_HA_SECONDS} // 1;
my $libfaketime = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
my $bindir = `pg_config --bindir`;
chomp $bindir;
my $base = PostgreSQL::Test::Utils::tempdir();
my $sockets = PostgreSQL::Test::Utils::tempdir_short();
my $writer = "$FindBin::RealBin/../bin/ha-writer.py";
my $scope = 'flakeid-ha';
my $http = HTTP::Tiny->new(timeout => 2);

# ---- processes this test starts, and their end (also when the test dies) ----

my %pid;    # name => process id of a process group leader this test started

# Starts @cmd in a process group of its own, its output appended to $log; $env adds to
# the environment.
sub spawn
{
	my ($name, $log, $env, @cmd) = @_;
	my $pid = fork // die "fork: $!";
	if ($pid == 0)
	{
		setsid();
		open STDIN, '<', '/dev/null' or die;
		open STDOUT, '>>', $log or die "$log: $!";
		open STDERR, '>&', \*STDOUT or die;
		@ENV{ keys %$env } = values %$env;
		exec @cmd or die "exec $cmd[0]: $!";
	}
	$pid{$name} = $pid;
	return $pid;
}

# Ends a process group this test started: TERM, then KILL after $grace seconds.
sub stop_group
{
	my ($name, $grace) = @_;
	my $pid = delete $pid{$name} or return;
	kill 'TERM', -$pid;
	my $until = time + ($grace // 10);
	while (time < $until)
	{
		last if waitpid($pid, POSIX::WNOHANG()) == $pid;
		sleep 0.1;
	}
	kill 'KILL', -$pid;
	waitpid($pid, 0);
	return;
}

my $sync_mode;    # whether the round runs with synchronous_mode
my %member;    # name => { rest, pg, dir, data, log, faked }

# The postmaster of a member's data directory, if one runs (Patroni starts it in a
# session of its own: stopping Patroni's group does not reach it).
sub postmaster_pid
{
	my ($m) = @_;
	open my $fh, '<', "$m->{data}/postmaster.pid" or return;
	my $pid = <$fh>;
	close $fh;
	chomp $pid;
	return $pid =~ /^\d+$/ && kill(0, $pid) ? $pid : undef;
}

END
{
	my $status = $?;
	stop_group($_, 1) for grep { /^writer/ } keys %pid;
	stop_group($_, 15) for grep { /^patroni/ } keys %pid;
	for my $m (values %member)
	{
		my $pm = postmaster_pid($m) or next;
		kill 'QUIT', $pm;    # an immediate shutdown
		sleep 0.5;
		kill 'KILL', $pm if kill 0, $pm;
	}
	stop_group('etcd', 5);
	$? = $status;
}

# ---- the cluster ----

my %port = map { $_ => PostgreSQL::Test::Cluster::get_free_port() } qw(etcd etcd_peer);
my $etcd_url = "http://127.0.0.1:$port{etcd}";
spawn(
	'etcd', "$base/etcd.log", {}, 'etcd',
	'--name' => 'e1',
	'--data-dir' => "$base/etcd",
	'--listen-client-urls' => $etcd_url,
	'--advertise-client-urls' => $etcd_url,
	'--listen-peer-urls' => "http://127.0.0.1:$port{etcd_peer}",
	'--initial-advertise-peer-urls' => "http://127.0.0.1:$port{etcd_peer}",
	'--initial-cluster' => "e1=http://127.0.0.1:$port{etcd_peer}",
	'--listen-metrics-urls' => '',
	'--log-level' => 'warn');
wait_until('etcd answers', 30, sub { $http->get("$etcd_url/health")->{success} });

# The README's recipe: the part of patroni.yml that is flakeid's.
my $recipe = readme_recipe('patroni', 'yaml');
like($recipe, qr/shared_preload_libraries: flakeid/, 'the recipe preloads flakeid');
# The test's own timing: Patroni acts every second, not every 10. The leader lock keeps
# Patroni's default TTL (30 s): stopping the leader's Patroni releases it, so a failover
# does not wait for it, and with 10 s a leader's Patroni on a busy machine let it lapse
# between loops, which left a rewound member without a primary to stream from.
(my $dcs = $recipe) =~ s/^(  dcs:\n)/$1    ttl: 30\n    loop_wait: 1\n    retry_timeout: 10\n    synchronous_node_count: 2\n/m
  or die "the recipe has no bootstrap.dcs";

my $clock_file = "$base/faketime.rc";
write_file($clock_file, "+0\n");

# The clock fault is the faked member's PostgreSQL's, not its Patroni's: a bin_dir of the
# member's own, where postgres is a script that starts the real one under libfaketime and
# every other program is PostgreSQL's own. (With Patroni itself under libfaketime 0.9.10, a
# Python Event.wait(timeout) in its main loop, a pthread_cond_timedwait on the faked
# monotonic clock, once never timed out: a new leader's Patroni then ran its loop only when
# its leader key expired, every 30 s, never said its checkpoint after promotion was done,
# and the old leader waited for that to rewind until the test gave up, in CI.)
sub faked_bin_dir
{
	my ($m) = @_;
	my $dir = "$m->{dir}/bin";
	make_path($dir);
	opendir my $dh, $bindir or die "$bindir: $!";
	for my $program (grep { !/^\./ && $_ ne 'postgres' } readdir $dh)
	{
		symlink("$bindir/$program", "$dir/$program") or die "$dir/$program: $!";
	}
	closedir $dh;
	# FAKETIME_NO_CACHE: a change of the offset file is seen at once. The monotonic clock
	# is faked too; stat() is not.
	write_file("$dir/postgres", <<"EOF");
#!/bin/sh
LD_PRELOAD=$libfaketime FAKETIME_TIMESTAMP_FILE=$clock_file FAKETIME_NO_CACHE=1 NO_FAKE_STAT=1 \\
  exec $bindir/postgres "\$@"
EOF
	chmod 0755, "$dir/postgres" or die "$dir/postgres: $!";
	return $dir;
}

for my $n (1 .. 3)
{
	my $name = "pg$n";
	my $dir = "$base/$name";
	make_path($dir, "$dir/log");
	my $m = $member{$name} = {
		name => $name,
		rest => PostgreSQL::Test::Cluster::get_free_port(),
		pg => PostgreSQL::Test::Cluster::get_free_port(),
		dir => $dir,
		data => "$dir/data",
		log => "$dir/log/postgresql.log",
		# pg2 and pg3 run behind pg1: whichever Patroni promotes is behind the old leader.
		faked => $n > 1,
	};
	$m->{bin} = $m->{faked} ? faked_bin_dir($m) : $bindir;
	write_file("$dir/patroni.yml", <<"EOF" . $dcs);
scope: $scope
name: $name
restapi:
  listen: 127.0.0.1:$m->{rest}
  connect_address: 127.0.0.1:$m->{rest}
etcd3:
  hosts: 127.0.0.1:$port{etcd}
postgresql:
  listen: 127.0.0.1:$m->{pg}
  connect_address: 127.0.0.1:$m->{pg}
  data_dir: $m->{data}
  bin_dir: $m->{bin}
  pgpass: $dir/pgpass
  authentication:
    superuser: {username: postgres}
    replication: {username: postgres}
    rewind: {username: postgres}
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication all 127.0.0.1/32 trust
  # The base backup of a reinit starts at once, not after a spread checkpoint.
  basebackup:
    - checkpoint: fast
  parameters:
    # Crash recovery (before pg_rewind) replays less.
    checkpoint_timeout: 30s
    unix_socket_directories: '$sockets'
    logging_collector: 'on'
    log_directory: '$dir/log'
    log_filename: postgresql.log
    log_rotation_age: 0
    log_rotation_size: 0
    log_line_prefix: '%m [%p] '
EOF
}

# Starts a member's Patroni (a faked member's servers start under libfaketime from its
# bin_dir).
sub start_patroni
{
	my ($m) = @_;
	my %env = (PATRONICTL_CONFIG_FILE => "$m->{dir}/patroni.yml");
	spawn("patroni $m->{name}", "$m->{dir}/patroni.log", \%env, 'patroni',
		"$m->{dir}/patroni.yml");
	return;
}

# Members as Patroni's REST API describes them: name => { role, state, timeline, ... }.
# The leader's view first: a replica's may lag behind the synchronous set.
sub cluster
{
	for my $m (grep { defined } leader(), values %member)
	{
		my $r = $http->get("http://127.0.0.1:$m->{rest}/cluster");
		next unless $r->{success};
		return { map { $_->{name} => $_ } @{ decode_json($r->{content})->{members} } };
	}
	return {};
}

# The member that leads, as its REST API says, or undef.
sub leader
{
	for my $m (sort { $a->{name} cmp $b->{name} } values %member)
	{
		return $m if $http->get("http://127.0.0.1:$m->{rest}/primary")->{status} == 200;
	}
	return;
}

# Whether $m is a running replica that streams from the leader.
sub streaming
{
	my ($m) = @_;
	my $c = cluster()->{ $m->{name} } or return 0;
	return 0 unless $c->{role} =~ /replica|sync_standby/ && $c->{state} =~ /running|streaming/;
	my $l = leader() or return 0;
	my $n = psql_on($l, 'postgres',
		"SELECT count(*) FROM pg_stat_replication WHERE application_name = '$m->{name}' "
		  . "AND state = 'streaming'");
	return $n eq '1';
}

sub psql_on
{
	my ($m, $db, $sql) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'psql', '-X', '-A', '-t', '-h', '127.0.0.1', '-p', $m->{pg},
			'-U', 'postgres', '-d', $db, '-v', 'ON_ERROR_STOP=1', '-c', $sql ],
		'>', \$out, '2>', \$err);
	die "psql on $m->{name}: $err" if $?;
	chomp $out;
	return $out;
}

sub patronictl
{
	my (@args) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'patronictl', '-c', "$member{pg1}{dir}/patroni.yml", @args ],
		'>', \$out, '2>', \$err);
	note "patronictl @args: $out$err";
	die "patronictl @args failed: $out$err" if $?;
	return $out;
}

# A planned switchover from $from to $to; waits until $to leads. Patroni refuses a candidate
# that is not yet in the synchronous set (412) for a moment after it caught up: retried.
sub switchover
{
	my ($from, $to) = @_;
	my $started = time;
	# As an operator would: not before the candidate streams (without synchronous_mode,
	# Patroni also promotes a candidate up to maximum_lag_on_failover behind, 1 MB, and
	# the rows it lacks are lost).
	wait_until("$to->{name} streams", 60, sub { streaming($to) });
	wait_until("$to->{name} synchronous", 60,
		sub { (cluster()->{ $to->{name} }{role} // '') eq 'sync_standby' })
	  if $sync_mode;
	wait_until("a switchover to $to->{name} accepted", 60, sub {
		patronictl('switchover', '--force', '--leader', $from->{name}, '--candidate',
			$to->{name}, $scope) !~ /failed/i;
	});
	wait_until("$to->{name} leads", 60, sub { my $l = leader(); $l && $l->{name} eq $to->{name} });
	return time - $started;
}

# Waits up to $seconds for $check to return true; dies naming $what otherwise.
sub wait_until
{
	my ($what, $seconds, $check) = @_;
	my $until = time + $seconds;
	while (time < $until)
	{
		my $got = $check->();
		return $got if $got;
		sleep 0.2;
	}
	die "timed out after $seconds s waiting until $what";
}

sub write_file
{
	my ($path, $text) = @_;
	open my $fh, '>', "$path.new" or die "$path.new: $!";
	print $fh $text;
	close $fh or die "$path.new: $!";
	rename "$path.new", $path or die "$path: $!";
	return;
}

my $t0 = time;
start_patroni($member{pg1});
my $first = wait_until('pg1 leads', 60, \&leader);
is($first->{name}, 'pg1', 'pg1 bootstraps the cluster and leads');
start_patroni($member{$_}) for qw(pg2 pg3);
wait_until('pg2 and pg3 stream', 90,
	sub { streaming($member{pg2}) && streaming($member{pg3}) });
note sprintf('cluster up: etcd, a leader and two streaming replicas in %.1f s', time - $t0);

is(psql_on($first, 'postgres', 'SHOW shared_preload_libraries'),
	'flakeid', "the recipe's shared_preload_libraries is in force");
my $node_id = psql_on($first, 'postgres',
	q{SELECT current_setting('flakeid.datacenter_id') || '/' || current_setting('flakeid.machine_id')});
like($node_id, qr{^\d+/\d+$}, "the recipe's node id is in force: $node_id");
for my $r (qw(pg2 pg3))
{
	is(psql_on($member{$r}, 'postgres',
		q{SELECT current_setting('flakeid.datacenter_id') || '/' || current_setting('flakeid.machine_id')}),
		$node_id, "replica $r has the role's node id from the DCS");
}
my $faked = clock_of($member{pg2}) - clock_of($member{pg1});
note sprintf('pg2 clock minus pg1 clock: %+.3f s', $faked);

# Two databases, two layouts (the node id fits both); a table without a unique key, so a
# repeated key is counted, not refused.
my %layout = (app1 => 'twitter', app2 => 'large_cluster');
for my $db (sort keys %layout)
{
	psql_on($first, 'postgres', "CREATE DATABASE $db");
	psql_on($first, 'postgres', "ALTER DATABASE $db SET flakeid.layout = '$layout{$db}'");
	psql_on($first, $db, q{
		CREATE EXTENSION flakeid;
		CREATE TABLE t (
			seq bigserial PRIMARY KEY,
			id bigint NOT NULL DEFAULT flakeid_next(),
			client text NOT NULL,
			port int NOT NULL DEFAULT inet_server_port(),
			lsn pg_lsn NOT NULL DEFAULT pg_current_wal_insert_lsn())});
}

# A server's clock as SQL sees it, in seconds since the Unix epoch, minus the real time.
sub clock_of
{
	my ($m) = @_;
	my $before = time;
	my $server = psql_on($m, 'postgres', 'SELECT extract(epoch FROM clock_timestamp())');
	return $server - ($before + time) / 2;
}

# Log lines of a member's server log after byte $from, matching $re.
sub log_lines
{
	my ($m, $from, $re) = @_;
	open my $fh, '<', $m->{log} or return ();
	seek $fh, $from, 0;
	my @lines = grep { /$re/ } <$fh>;
	close $fh;
	return @lines;
}

sub log_size { my ($m) = @_; return -s $m->{log} // 0; }

# ---- the rounds ----

my @report;
my $round = 0;
my $round_start;

# Notes how long the round has run when $what happened.
sub step
{
	my ($what) = @_;
	note sprintf('[round %d, %5.1f s] %s', $round, time - $round_start, $what);
	return;
}
for my $r (@rounds)
{
	my ($offset, $sync) = @$r;
	$round++;
	$round_start = time;
	my $sync_on = $sync eq 'on' ? 'true' : 'false';
	$sync_mode = $sync eq 'on';
	note "==== round $round: replicas' clocks ${offset} s behind, synchronous_mode $sync";
	write_file($clock_file, "-$offset\n");
	patronictl('edit-config', '--force', '-s', "synchronous_mode=$sync_on");
	my $old = wait_until('a leader', 30, \&leader);
	is($old->{name}, 'pg1', "round $round starts with pg1 leading");
	if ($sync eq 'on')
	{
		wait_until('both replicas synchronous', 30,
			sub { 2 == grep { $_->{role} eq 'sync_standby' } values %{ cluster() } });
	}
	my $behind = clock_of($member{pg2}) - clock_of($old);
	cmp_ok(abs($behind + $offset), '<', 0.25,
		sprintf("round %d: the replicas' clocks are %s s behind the leader's (pg2: %+.3f s)",
			$round, $offset, $behind));

	# The writers.
	my $stop = "$base/stop.$round";
	my %logs;
	for my $db (sort keys %layout)
	{
		$logs{$db} = "$base/writer.$round.$db.log";
		spawn("writer $db", "$base/writer.$round.$db.stderr", {}, 'python3', $writer, $db,
			$logs{$db}, $stop, 600, 10, 0.01,
			map { "$_->{name}:$_->{rest}:$_->{pg}" } values %member);
	}
	wait_until('the writers acknowledged rows', 30,
		sub { 2 == grep { -s $_ && `grep -c ^ack $_` > 10 } values %logs });
	sleep $load;

	# 1. The leader's postmaster killed, its Patroni stopped: a failover.
	my %log_from = map { $_ => log_size($member{$_}) } keys %member;
	my $killed_at = time;
	kill 'KILL', postmaster_pid($old) // die 'no postmaster on the leader';
	stop_group("patroni $old->{name}", 30);
	my $new = wait_until('another member leads', 60,
		sub { my $l = leader(); $l && $l->{name} ne $old->{name} ? $l : undef });
	my $failover_s = time - $killed_at;
	step('failover done');
	note sprintf('failover: %s leads %.1f s after the kill', $new->{name}, $failover_s);
	wait_until("the writers' keys from $new->{name}", 60,
		sub { 2 == grep { `grep -c '^ack [0-9.]* $new->{name} ' $_` > 0 } values %logs });
	sleep $load;

	# 2. The old leader rejoins: pg_rewind. First a checkpoint on the new leader: Patroni
	# 3.0.2 can run pg_rewind while the checkpoint after the promotion is still spread out,
	# when the new leader's pg_control still names the old timeline; pg_rewind then finds
	# "no rewind required" and the old leader cannot follow ("requested timeline 2 is not a
	# child of this server's history") until a reinit (seen here once in four runs).
	psql_on($new, 'postgres', 'CHECKPOINT');
	my $patroni_log_from = -s "$old->{dir}/patroni.log";
	start_patroni($old);
	wait_until("$old->{name} streams again", 120, sub { streaming($old) });
	my @rewind = grep { /pg_rewind/i }
	  `tail -c +$patroni_log_from '$old->{dir}/patroni.log'`;
	note "rejoin of $old->{name}: @rewind";
	ok(scalar(grep { /running pg_rewind/ } @rewind),
		"round $round: $old->{name} rejoined with pg_rewind");
	my $rewound_mark = mark_file($old);
	step('rejoined');
	sleep $load;

	# 3. A planned switchover back.
	my $switchover_s = switchover($new, $old);
	step('switched back');
	wait_until("the writers' keys from $old->{name} again", 60,
		sub { 2 == grep { `tail -n 5 $_ | grep -c '^ack [0-9.]* $old->{name} '` > 0 } values %logs });
	sleep $load;

	# 4. A replica rebuilt from a fresh base backup.
	my ($rebuilt) = grep { $_->{name} ne $old->{name} && $_->{name} ne $new->{name} } values %member;
	$rebuilt = $new if $round % 2 == 0;    # the other one every second round
	patronictl('reinit', '--force', $scope, $rebuilt->{name});
	sleep 2;
	wait_until("$rebuilt->{name} streams after its reinit", 120, sub { streaming($rebuilt) });
	my $recloned_mark = mark_file($rebuilt);
	step('reinit done');
	sleep $load;

	# 5. A planned switchover to the rebuilt replica, whose clock is behind, and back.
	my $rebuilt_log_from = log_size($rebuilt);
	my $to_rebuilt_s = switchover($old, $rebuilt);
	step('switched to the rebuilt replica');
	wait_until("the writers' keys from $rebuilt->{name}", 60,
		sub { 2 == grep { `tail -n 5 $_ | grep -c '^ack [0-9.]* $rebuilt->{name} '` > 0 } values %logs });
	sleep $load;
	my $back_s = switchover($rebuilt, $old);
	step('switched back again');
	wait_until("the writers' keys from $old->{name} once more", 60,
		sub { 2 == grep { `tail -n 5 $_ | grep -c '^ack [0-9.]* $old->{name} '` > 0 } values %logs });

	write_file($stop, "stop\n");
	stop_group($_, 30) for grep { /^writer/ } keys %pid;
	my $leader = leader();
	is($leader->{name}, $old->{name}, "round $round ends with $old->{name} leading");

	my %figures = (round => $round, offset => $offset, sync => $sync,
		failover_s => sprintf('%.1f', $failover_s), switchover_s => sprintf('%.1f', $switchover_s),
		to_rebuilt_s => sprintf('%.1f', $to_rebuilt_s), back_s => sprintf('%.1f', $back_s),
		killed_at => $killed_at, new_leader => $new->{name});
	for my $db (sort keys %layout)
	{
		judge_round($round, $db, $logs{$db}, $leader, $sync, $offset, \%figures);
	}

	# The mark files. The one pg_rewind left the old leader and the one the base backup gave
	# the rebuilt replica are copies of another member's: they name that member's data
	# directory, so neither would be trusted as the node's own.
	for my $copy ([ $old, $rewound_mark, 'rewound' ], [ $rebuilt, $recloned_mark, 're-cloned' ])
	{
		my ($m, $mark, $how) = @$copy;
		note "$how $m->{name}: mark file " . ($mark->{text} // 'none');
		ok(!$mark->{names_self},
			"round $round: the mark file of the $how $m->{name} does not name it as its writer");
	}
	# Each promotion: the promoted node read the marks of every database before its first
	# key (a new timeline: no mark file can speak for it), and the highest lay at or above
	# every key committed before.
	for my $promoted ([ $new, $log_from{ $new->{name} } ], [ $old, $log_from{ $old->{name} } ],
		[ $rebuilt, $rebuilt_log_from ])
	{
		my ($m, $from) = @$promoted;
		my @read = log_lines($m, $from, qr/flakeid read the high-water marks of \d+ databases/);
		note "$m->{name}: $_" for @read;
		ok(scalar @read, "round $round: promoted $m->{name} read the marks of every database");
	}
	my @mark_errors = map { log_lines($member{$_}, $log_from{$_}, qr/XX001|mark file .* cannot be used/) } keys %member;
	is(scalar @mark_errors, 0, "round $round: no mark file was refused as damaged") or diag(@mark_errors);
	my $final_mark = mark_file($leader);
	ok($final_mark->{names_self}, "round $round: the leader's mark file names it")
	  or diag($final_mark->{text});
	delete $figures{killed_at};
	push @report, \%figures;
	step('judged');
}

# Whole run: every row on the final leader once.
my $leader = leader();
for my $db (sort keys %layout)
{
	my ($rows, $distinct) = split /\|/, psql_on($leader, $db, 'SELECT count(*), count(DISTINCT id) FROM t');
	note "$db: $rows rows on the final leader, $distinct distinct keys";
	is($distinct, $rows, "$db: no key repeats among the final leader's $rows rows");
}
note 'figures: ' . encode_json($_) for @report;
done_testing();

# The server's mark file of member $m: its text, and whether it names $m (its timeline and
# data directory).
sub mark_file
{
	my ($m) = @_;
	open my $fh, '<', "$m->{data}/flakeid_high_water" or return { text => undef, names_self => 0 };
	my $text = <$fh>;
	close $fh;
	chomp $text;
	my @f = split / /, $text;
	# <mark> <format> <system> <timeline> <device> <inode> ... (src/core/mark_record.hpp)
	my @st = stat $m->{data};
	my $names_self = @f >= 6 && hex($f[4]) == $st[0] && hex($f[5]) == $st[1];
	return { text => $text, names_self => $names_self };
}

# Judges a round's database $db: the writer's log $log against the rows on $leader.
sub judge_round
{
	my ($round, $db, $log, $leader, $sync, $offset, $figures) = @_;
	my (%acked, $acked, $dup_acked, @events);
	open my $fh, '<', $log or die "$log: $!";
	while (<$fh>)
	{
		my ($kind, $time, $who, @rest) = split ' ';
		push @events, [ $kind, $time, $who, @rest ];
		next unless $kind eq 'ack';
		for my $id (@rest) { $dup_acked++ if $acked{$id}++; $acked++; }
	}
	close $fh;
	# Refusals: from a refused statement to the next acknowledged one. flakeid's marks run
	# up to about a second ahead of its IDs, so a promoted node whose clock is $offset s
	# behind may refuse for up to $offset + 1 s after the old leader's last key; more (with
	# half a second of margin) is a finding.
	my (@spans, %codes, %said, $start, $code, $who_refused);
	for my $e (@events)
	{
		my ($kind, $time, $who, @rest) = @$e;
		if ($kind eq 'err')
		{
			$codes{ $rest[0] }++;
			$said{ $rest[0] } //= "@rest[1..$#rest]";
			($start, $code, $who_refused) = ($time, $rest[0], $who)
			  if !defined $start && $rest[0] =~ /^(FL|XX)/;
		}
		elsif ($kind eq 'ack' && defined $start)
		{
			push @spans, { code => $code, seconds => $time - $start, member => $who_refused };
			undef $start;
		}
	}
	push @spans, { code => $code, seconds => 9999, member => $who_refused } if defined $start;
	for my $span (@spans)
	{
		cmp_ok($span->{seconds}, '<=', $offset + 1.5,
			sprintf('round %d %s: a refusal (%s on %s) lasted %.2f s, no longer than the clock '
				  . 'difference of %s s and the marks\' lead', $round, $db, $span->{code},
				$span->{member}, $span->{seconds}, $offset));
		# The refused member's log says why.
		my @why = log_lines($member{ $span->{member} }, 0, qr/ERROR:  .*clock moved backwards/);
		ok(scalar @why, "round $round $db: $span->{member}'s log says why it refused")
		  and note "$span->{member}: $why[0]";
	}
	note "round $round $db: $_ said: $said{$_}" for sort keys %said;
	@spans = map { sprintf '%s %.2f s on %s', $_->{code}, $_->{seconds}, $_->{member} } @spans;
	my @errs = map { "$_ $codes{$_}" } sort keys %codes;
	my @other = grep { !/^(FL001|FL012|25006|57P0[123]|08\w\w\w)$/ } keys %codes;
	note "round $round $db: $acked keys acknowledged; errors: @errs; refusals: @spans";
	is(scalar @other, 0, "round $round $db: no refusal but FL001/FL012 (and the server going away)")
	  or diag(grep { /^err/ } `cat $log`);
	is($dup_acked // 0, 0, "round $round $db: no acknowledged key twice");

	# The acknowledged keys on the leader.
	my $list = "$log.keys";
	write_file($list, join("\n", sort keys %acked) . "\n");
	chmod 0644, $list;
	my ($on, $lost) = split /\|/, psql_on($leader, $db, qq{
		DROP TABLE IF EXISTS acked;
		CREATE TABLE acked (id bigint);
		COPY acked FROM '$list';
		SELECT (SELECT count(*) FROM acked a WHERE EXISTS (SELECT FROM t WHERE t.id = a.id)),
		       (SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT FROM t WHERE t.id = a.id))});
	note "round $round $db: $on acknowledged keys on the leader, $lost lost";
	if ($lost)
	{
		# When the lost rows were acknowledged, and whether the new leader's keys fall among
		# them (the same node id: only their times keep them apart).
		my (%ack_time, %ack_by);
		for my $e (grep { $_->[0] eq 'ack' } @events)
		{
			$ack_time{$_} = $e->[1] for @$e[ 3 .. $#$e ];
			$ack_by{$_} = $e->[2] for @$e[ 3 .. $#$e ];
		}
		my @lost = split /\n/, psql_on($leader, $db,
			'SELECT id FROM acked a WHERE NOT EXISTS (SELECT FROM t WHERE t.id = a.id) ORDER BY id');
		my @times = sort { $a <=> $b } map { $ack_time{$_} } @lost;
		$figures->{$db}{lost_acked_after_kill_s} =
		  sprintf('%.2f..%.2f', $times[0] - $figures->{killed_at}, $times[-1] - $figures->{killed_at});
		my %by;
		$by{ $ack_by{$_} }++ for @lost;
		$figures->{$db}{lost_acked_by} = \%by;
		note sprintf('round %d %s: the lost rows were acknowledged %.2f s to %.2f s after the '
			  . 'kill, by %s', $round, $db, $times[0] - $figures->{killed_at},
			$times[-1] - $figures->{killed_at}, join(', ', map { "$_: $by{$_}" } sort keys %by));
	}
	is($lost, 0, "round $round $db: with synchronous_mode no acknowledged row is lost")
	  if $sync eq 'on';

	# Every key made by a leader lies above every key committed before it took over: the
	# rows in WAL order, cut where the server changes.
	my ($segments, $below) = split /\|/, psql_on($leader, $db, q{
		WITH o AS (SELECT id, port, lsn,
		             sum(CASE WHEN port IS DISTINCT FROM prev THEN 1 ELSE 0 END)
		               OVER (ORDER BY lsn, seq) AS segment
		           FROM (SELECT *, lag(port) OVER (ORDER BY lsn, seq) AS prev FROM t) s),
		     g AS (SELECT segment, min(id) AS lo, max(id) AS hi FROM o GROUP BY segment)
		SELECT count(*),
		       count(*) FILTER (WHERE lo <= (SELECT max(hi) FROM g g2 WHERE g2.segment < g.segment))
		FROM g});
	note "round $round $db: $segments runs of one leader's keys (all rounds so far), $below below an earlier one";
	is($below, 0, "round $round $db: every leader's keys lie above every key committed before it");
	$figures->{$db} = { %{ $figures->{$db} // {} }, acked => $acked, lost => $lost + 0,
		refusals => \@spans, errors => \%codes };
	return;
}
