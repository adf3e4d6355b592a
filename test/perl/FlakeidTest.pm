# Helpers shared by the TAP tests in test/t: the set-up of a node, of its configuration
# files and of logical replication between nodes; the libfaketime clock of the fault
# tests (020-022), their attempts and ID checks, and the pgbench runs of 002, 005, 030 and
# 070. Load with
#   use FindBin; use lib "$FindBin::RealBin/../perl"; use FlakeidTest;
package FlakeidTest;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use FindBin;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

our @EXPORT = qw(
  start_node twitter_node_conf edit_conf subscribe events_table events_insert_script
  start_pgbench_on_nodes
  require_libfaketime set_clock start_faked clock_offset
  set_clock_policy attempt attempts_then_next_ids id_order_counts
  pgbench_insert_script start_pgbench state_table_path expected_state_table_path
  try_sql fill_sql start_session finish_session reload_and_wait
  require_engine doc_files readme_recipe readme_sql_blocks doc_sql_blocks readme_sql_texts);

# libfaketime is part of the set-up (test/bin/setup-debian.sh): its absence is a failure,
# not a reason to skip the fault tests.
my $libfaketime = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

# The faked servers' clock offset from the real time: "+0", "-0.005" (5 ms back), "-3600"
# (an hour back), read by libfaketime on every call. Made on first use, as the test's
# temporary directory exists only once the test runs.
my $clock_file;

# A node named $name, made and started: init(%{ $opt{init} }) (allows_streaming =>
# 'logical' for a publisher), then postgresql.conf gets log_statement = none (init sets
# 'all', which would log every statement of a test's load), shared_preload_libraries =
# 'flakeid' with preload => 1, and the lines of $opt{conf}. The postmaster alone sees the
# variables of $opt{env}; faked => 1 starts it under libfaketime (start_faked).
sub start_node
{
	my ($name, %opt) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(%{ $opt{init} // {} });
	$node->append_conf('postgresql.conf',
		    "log_statement = none\n"
		  . ($opt{preload} ? "shared_preload_libraries = 'flakeid'\n" : '')
		  . ($opt{conf} // ''));
	my %env = %{ $opt{env} // {} };
	local @ENV{ keys %env } = values %env;
	$opt{faked} ? start_faked($node) : $node->start;
	return $node;
}

# The postgresql.conf lines of a node under the twitter layout with node ids
# ($datacenter, $machine), as the replication tests give their servers; with $machine
# undefined, no machine id line (the server takes FLAKEID_MACHINE_ID from its environment).
sub twitter_node_conf
{
	my ($datacenter, $machine) = @_;
	return "flakeid.layout = 'twitter'\nflakeid.datacenter_id = $datacenter\n"
	  . (defined $machine ? "flakeid.machine_id = $machine\n" : '');
}

# Rewrites $node's configuration file $file ('postgresql.conf', 'postgresql.auto.conf') in
# place, as an edit by hand would: $edit changes $_, the file's text.
sub edit_conf
{
	my ($node, $file, $edit) = @_;
	my $path = $node->data_dir . "/$file";
	local $_ = PostgreSQL::Test::Utils::slurp_file($path);
	$edit->();
	open my $fh, '>', $path or die "$path: $!";
	print $fh $_;
	close $fh or die "$path: $!";
	return;
}

# Subscribes $node's database postgres (or $dbname) to the publication $publication of
# $publisher's database of that name: CREATE SUBSCRIPTION $name, WITH ($with) when given.
sub subscribe
{
	my ($node, $name, $publisher, $publication, $with, $dbname) = @_;
	$dbname //= 'postgres';
	$node->safe_psql($dbname,
		    "CREATE SUBSCRIPTION $name CONNECTION '"
		  . $publisher->connstr
		  . " dbname=$dbname' PUBLICATION $publication"
		  . (defined $with ? " WITH ($with)" : ''));
	return;
}

# The table of events_insert_script: its DEFAULT makes the keys.
sub events_table
{
	return q{
	CREATE TABLE events (
		id bigint PRIMARY KEY DEFAULT flakeid_next(),
		origin text NOT NULL,
		payload text)};
}

# Writes a pgbench script whose transactions insert $rows rows each into events (origin,
# payload) through its DEFAULT id: the origin is the session's application_name, the
# payload names the client and the row.
sub events_insert_script
{
	my ($rows) = @_;
	my $script = PostgreSQL::Test::Utils::tempdir() . '/insert.sql';
	PostgreSQL::Test::Utils::append_to_file(
		$script, qq{BEGIN;
INSERT INTO events (origin, payload)
  SELECT current_setting('application_name'), 'client ' || :client_id || ' row ' || r
  FROM generate_series(1, $rows) r;
END;
});
	return $script;
}

# Bails out of the test unless libfaketime is installed.
sub require_libfaketime
{
	BAIL_OUT(
		"libfaketime is missing ($libfaketime): install the Debian package faketime")
	  unless -f $libfaketime;
	return;
}

# The clock offset file's path, made in the test's temporary directory on first use.
sub _clock_file
{
	$clock_file //= PostgreSQL::Test::Utils::tempdir() . '/faketime.rc';
	return $clock_file;
}

# Sets the faked clock's offset from the real time (written by rename: never half-read).
sub set_clock
{
	my ($offset) = @_;
	my $file = _clock_file();
	open my $fh, '>', "$file.new" or die "$file.new: $!";
	print $fh "$offset\n";
	close $fh or die "$file.new: $!";
	rename "$file.new", $file or die "$file: $!";
	return;
}

# Starts a node under libfaketime (its server and pg_ctl; not their monotonic clock).
sub start_faked
{
	# psql and pgbench run on the real clock; the monotonic clock is left alone, so
	# PostgreSQL's timeouts and latch waits are not stretched by the steps.
	my ($node, %params) = @_;
	local $ENV{LD_PRELOAD} = $libfaketime;
	local $ENV{FAKETIME_TIMESTAMP_FILE} = _clock_file();
	local $ENV{FAKETIME_NO_CACHE} = '1';
	local $ENV{FAKETIME_DONT_FAKE_MONOTONIC} = '1';
	local $ENV{NO_FAKE_STAT} = '1';
	return $node->start(%params);
}

# A node's clock minus the real one, in seconds.
sub clock_offset
{
	my ($node) = @_;
	my $before = time;
	my $server = $node->safe_psql('postgres',
		'SELECT extract(epoch FROM clock_timestamp())');
	return $server - ($before + time) / 2;
}

# Puts the server's clock policy in force: 'logical' with a lead ('2h'), or 'wait'.
# ALTER SYSTEM and a reload (the policy is a server setting), then waits until new
# sessions have it (before the library loads, as a placeholder: empty once reset);
# sessions already open take it at their next statement.
sub set_clock_policy
{
	my ($node, $policy, $lead) = @_;
	if ($policy eq 'wait')
	{
		$node->safe_psql(
			'postgres', q{
			LOAD 'flakeid';
			ALTER SYSTEM RESET flakeid.clock_policy;
			ALTER SYSTEM RESET flakeid.max_clock_lead_ms;});
	}
	else
	{
		$node->safe_psql(
			'postgres', qq{
			LOAD 'flakeid';
			ALTER SYSTEM SET flakeid.clock_policy = '$policy';
			ALTER SYSTEM SET flakeid.max_clock_lead_ms = '$lead';});
	}
	$node->safe_psql('postgres', 'SELECT pg_reload_conf()');
	$node->poll_query_until('postgres',
		"SELECT coalesce(nullif(current_setting('flakeid.clock_policy', true), ''), 'wait') = "
		  . "'$policy'")
	  or die "the clock policy $policy did not come into force";
	return;
}

# One session's try to insert $n IDs of $phase into t: ('ok', $n) or ('error', SQLSTATE).
sub attempt
{
	my ($node, $phase, $n, $settings) = @_;
	$settings //= '';
	my ($ret, $out, $err) = $node->psql(
		'postgres', qq{
		\\set VERBOSITY verbose
		$settings
		INSERT INTO t (phase) SELECT '$phase' FROM generate_series(1, $n);
		SELECT 'inserted';});
	return ('ok', $n) if $ret == 0 && $out =~ /inserted/;
	my ($state) = $err =~ /ERROR:  ([0-9A-Z]{5}):/;
	note "attempt in phase $phase on " . $node->name . ': ' . (split /\n/, $err)[0];
	return ('error', $state // 'none');
}

# Makes $tries attempts, then calls flakeid_next_ids(10): (\@sqlstates, summary, ret, stderr).
sub attempts_then_next_ids
{
	my ($node, $phase, $tries, $n) = @_;
	my (%outcomes, @states);
	for my $i (1 .. $tries)
	{
		my ($kind, $what) = attempt($node, $phase, $n);
		$outcomes{$kind}++;
		push @states, $what if $kind eq 'error';
	}
	my ($ret, $out, $err) = $node->psql(
		'postgres', q{
		\set VERBOSITY verbose
		SELECT count(*) FROM flakeid_next_ids(10);});
	my $summary =
	    ($outcomes{ok} // 0)
	  . " gave IDs, "
	  . ($outcomes{error} // 0)
	  . " were refused (@states)";
	return (\@states, $summary, $ret, $err);
}

# Counts of $table's IDs in seq order: total, distinct, and not above the one before.
sub id_order_counts
{
	my ($node, $table) = @_;
	return split /\|/,
	  $node->safe_psql(
		'postgres', qq{
		SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE id <= prev)
		FROM (SELECT id, lag(id) OVER (ORDER BY seq) AS prev FROM $table) s});
}

# Writes a pgbench script inserting a DEFAULT id and a flakeid_next_ids($batch) batch.
sub pgbench_insert_script
{
	my ($batch) = @_;
	my $script = PostgreSQL::Test::Utils::tempdir() . '/insert.sql';
	PostgreSQL::Test::Utils::append_to_file(
		$script, qq{INSERT INTO t DEFAULT VALUES;
INSERT INTO t (id) SELECT flakeid_next_ids($batch);
});
	return $script;
}

# Starts pgbench --no-vacuum with @args on $node's database $db, its output captured:
# { harness, out, err (refs) }.
sub _start_pgbench
{
	my ($node, $db, @args) = @_;
	my ($out, $err) = ('', '');
	my @cmd = (
		'pgbench', '--no-vacuum', @args, '--host=' . $node->host,
		'--port=' . $node->port, $db);
	return {
		harness => IPC::Run::start(
			\@cmd, '>', \$out, '2>', \$err,
			IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default)),
		out => \$out,
		err => \$err
	};
}

# Starts pgbench on each database at once; returns db => { harness, out, err (refs) }.
sub start_pgbench
{
	my ($node, $script, $clients, $transactions, @databases) = @_;
	return map {
		$_ => _start_pgbench($node, $_, "--client=$clients", "--transactions=$transactions",
			"--file=$script")
	} @databases;
}

# Starts pgbench on the database postgres of every node of %$nodes at once: $clients
# clients in as many threads, $transactions each, running $script, with the node's key as
# the sessions' application_name; @options go first (--protocol=prepared). Returns
# key => { harness, out, err (refs) }.
sub start_pgbench_on_nodes
{
	my ($nodes, $script, $clients, $transactions, @options) = @_;
	my %run;
	for my $key (sort keys %$nodes)
	{
		local $ENV{PGAPPNAME} = $key;
		$run{$key} = _start_pgbench($nodes->{$key}, 'postgres', @options,
			"--client=$clients", "--jobs=$clients", "--transactions=$transactions",
			"--file=$script");
	}
	return %run;
}

# Runs $sql on $db with VERBOSITY verbose: ('ok', stdout) or ('error', SQLSTATE, the
# first line of the error).
sub try_sql
{
	my ($node, $db, $sql) = @_;
	my ($ret, $out, $err) =
	  $node->psql($db, "\\set VERBOSITY verbose\n$sql", on_error_stop => 1);
	return ('ok', $out) if $ret == 0;
	my ($state) = $err =~ /ERROR:  ([0-9A-Z]{5}):/;
	my ($line) = $err =~ /(ERROR:  .*)/;
	return ('error', $state // 'none', $line // $err);
}

# A DO block that inserts IDs made by flakeid_next() into $table (id, phase), $batch (200)
# a statement, $pause seconds (none) apart, until $seconds have passed on the server's
# clock; $settings go first.
sub fill_sql
{
	my ($table, $phase, $seconds, $settings, $batch, $pause) = @_;
	$settings //= '';
	$batch //= 200;
	my $sleep = $pause ? "PERFORM pg_sleep($pause);" : '';
	return qq{
$settings
DO \$\$
DECLARE
  stop timestamptz := clock_timestamp() + interval '$seconds seconds';
BEGIN
  WHILE clock_timestamp() < stop LOOP
    INSERT INTO $table (id, phase) SELECT flakeid_next(), '$phase' FROM generate_series(1, $batch);
    $sleep
  END LOOP;
END \$\$;
};
}

# Starts psql on $db running $sql in the background (stops at the first error); returns
# a session for finish_session().
sub start_session
{
	my ($node, $db, $sql) = @_;
	my %session = (out => '', err => '');
	$session{harness} = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
			'-v', 'VERBOSITY=verbose',
			'-h', $node->host, '-p', $node->port, '-d', $db, '-c', $sql
		],
		'>', \$session{out}, '2>', \$session{err},
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	return \%session;
}

# Waits for a session of start_session(): (whether it succeeded, its stderr).
sub finish_session
{
	my ($session) = @_;
	my $ok = eval { $session->{harness}->finish };
	return ($ok && !$@, $session->{err} . ($@ // ''));
}

# Where the server keeps flakeid's state table, as it shows it: 'main segment' (listed
# once in pg_shmem_allocations) or 'dsm registry' (not listed there: a segment of the DSM
# registry, of which 18 has no view), or what is wrong. flakeid_status() must report the
# table's size: it is made by the first ID.
sub state_table_path
{
	my ($node, $db) = @_;
	my $listed = $node->safe_psql($db,
		q{SELECT count(*) FROM pg_shmem_allocations WHERE name = 'flakeid state table'});
	my $bytes = $node->safe_psql($db,
		'SELECT DISTINCT shared_memory_bytes FROM flakeid_status()');
	return "no state table (flakeid_status() reports '$bytes' bytes)"
	  unless $bytes =~ /^[1-9]\d*$/;
	return 'main segment' if $listed == 1;
	return 'dsm registry' if $listed == 0;
	return "$listed allocations in the main segment";
}

# The path of state_table_path that the server's version takes: the main segment up to
# 16, the DSM registry from 17 (src/pg/shmem/shared_state.cpp).
sub expected_state_table_path
{
	my ($node) = @_;
	return $node->pg_version >= 17 ? 'dsm registry' : 'main segment';
}

# Reloads the server's configuration and waits until a new session has seen the reload.
sub reload_and_wait
{
	my ($node) = @_;
	my $before = $node->safe_psql('postgres', 'SELECT pg_conf_load_time()');
	$node->reload;
	$node->poll_query_until('postgres', "SELECT pg_conf_load_time() > '$before'")
	  or die 'the reload did not happen';
	return;
}

# Requires the engine whose control file is $control, packaged by Debian as
# postgresql-MAJOR-$suffix for this server's MAJOR, and returns its version. Its absence
# bails out on a server Debian packages (pg_config in /usr/lib/postgresql/MAJOR/bin, where
# the package installs it: make setup does); a server built from source (PG_FLAVOUR) has
# no package of it, and skips the test, saying so. The version shows in prove's output.
sub require_engine
{
	my ($control, $suffix) = @_;
	my ($sharedir, $bindir, $version) =
	  map { my $v = `pg_config --$_`; chomp $v; $v } qw(sharedir bindir version);
	my ($major) = $version =~ /PostgreSQL (\d+)/;
	die "pg_config gave no version" unless defined $major;
	my $package = "postgresql-$major-$suffix";
	my $file = "$sharedir/extension/$control.control";
	if (!-f $file)
	{
		BAIL_OUT("$control is missing from $sharedir: install $package (make setup does)")
		  if $bindir =~ m{/usr/lib/postgresql/$major/bin$};
		plan skip_all => "$control is not installed for PostgreSQL $major in $bindir: it was "
		  . "built from source, and Debian's $package is built for Debian's own server";
	}
	my ($engine) = slurp_file($file) =~ /^default_version\s*=\s*'([^']+)'/m;
	die "$file names no default_version" unless defined $engine;
	diag "$control $engine ($package) on PostgreSQL $major";
	return $engine;
}

# The documentation a reader copies SQL from, in the order test/t/050 runs it: README.md,
# then each docs/*.md by name, then CONTRIBUTING.md (those that exist).
sub doc_files
{
	my $root = "$FindBin::RealBin/../..";
	return grep { -f $_ } ("$root/README.md", sort(glob("$root/docs/*.md")),
		"$root/CONTRIBUTING.md");
}

# The SQL of the documentation's recipe $name: the ```plpgsql blocks (a fence test/t/050
# does not run: they need servers it does not have) whose first line is "-- recipe: $name
# ...", joined in order, from whichever of doc_files() holds them. With $fence 'yaml', the
# ```yaml blocks whose first line is "# recipe: $name ..." (a configuration file's part).
# Dies when there is none, so a recipe renamed in the documentation fails the test that
# runs it.
sub readme_recipe
{
	my ($name, $fence) = @_;
	$fence //= 'plpgsql';
	my $comment = $fence eq 'yaml' ? '#' : '--';
	my $sql = '';
	for my $doc (doc_files())
	{
		open my $fh, '<', $doc or die "cannot read $doc: $!";
		my $block;
		while (my $line = <$fh>)
		{
			if (defined $block)
			{
				if ($line =~ /^```\s*$/)
				{
					$sql .= $block
					  if $block =~ /\A\Q$comment\E recipe: \Q$name\E(?:[ \t]|$)/m;
					undef $block;
				}
				else { $block .= $line; }
			}
			elsif ($line =~ /^```\Q$fence\E\s*$/) { $block = ''; }
		}
		close $fh;
	}
	die "no page of the documentation has a recipe '$name'" if $sql eq '';
	return $sql;
}

# The ```sql blocks of one page ($path, else README.md), in order: each with its file (as
# the repository names it), the line it starts on, the heading above it and its SQL.
sub readme_sql_blocks
{
	my ($path) = @_;
	$path //= "$FindBin::RealBin/../../README.md";
	(my $file = $path) =~ s{^.*/\.\./\.\./}{};
	open my $fh, '<', $path or die "cannot read $path: $!";
	my (@blocks, $block, $in_other, $heading);
	while (my $line = <$fh>)
	{
		if (defined $block)
		{
			if ($line =~ /^```\s*$/)
			{
				push @blocks, $block;
				undef $block;
			}
			else
			{
				$block->{sql} .= $line;
			}
		}
		elsif ($in_other)
		{
			$in_other = 0 if $line =~ /^```\s*$/;
		}
		elsif ($line =~ /^```sql\s*$/)
		{
			$block = { file => $file, line => $., heading => $heading // '(top)', sql => '' };
		}
		elsif ($line =~ /^```/)
		{
			$in_other = 1;    # a block of another language: its '#' lines are no headings
		}
		elsif ($line =~ /^#+\s+(.*?)\s*$/)
		{
			$heading = $1;
		}
	}
	close $fh;
	die "$path: a ``` block is not closed" if defined $block || $in_other;
	return @blocks;
}

# The ```sql blocks of every page of doc_files(), in that order (test/t/050 runs them,
# test/t/080 runs them against a hostile schema).
sub doc_sql_blocks
{
	return map { readme_sql_blocks($_) } doc_files();
}

# All the SQL the documentation shows a reader: the ```sql and ```plpgsql blocks and the
# inline `code` of every page of doc_files(), as a list of texts.
sub readme_sql_texts
{
	my @texts;
	for my $doc (doc_files())
	{
		open my $fh, '<', $doc or die "cannot read $doc: $!";
		my ($block, $fence);
		while (my $line = <$fh>)
		{
			if (defined $fence)
			{
				if ($line =~ /^\s*```\s*$/)
				{
					push @texts, $block if $fence =~ /^(?:sql|plpgsql)$/;
					undef $fence;
				}
				else { $block .= $line; }
			}
			elsif ($line =~ /^\s*```(\S*)\s*$/) { ($fence, $block) = ($1, ''); }
			else { push @texts, $1 while $line =~ /`([^`]+)`/g; }
		}
		close $fh;
	}
	return @texts;
}

1;
