# A new flakeid library installed under a running server, as a package upgrade does: the
# server keeps the shared memory the old library made, and sessions that start after the
# upgrade load the new library. When the new library lays out its shared memory otherwise
# (another size, or the same size and another format), its sessions must not use the old
# memory as theirs, nor make a second state beside it: they refuse with FL011 and a hint
# to restart, while sessions of the old library go on. A restart ends it. (A server that preloads flakeid keeps the library
# it started with in every session until it restarts: a second library of the same name
# cannot even load beside it, "attempt to redefine parameter".)
#
# The two "new" libraries are flakeid built with another format word
# (build/flakeid_format2.so) and with 64 more bytes (build/flakeid_size2.so) by
# `make check-all`; they are loaded by path, not installed.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;

my %foreign = map { $_ => "$FindBin::RealBin/../../build/flakeid_$_.so" } qw(format2 size2);
for my $lib (values %foreign)
{
	BAIL_OUT("$lib is missing: make check-all builds it (make build/flakeid_format2.so "
		  . "build/flakeid_size2.so)")
	  unless -f $lib;
}

# Functions bound to the foreign libraries' flakeid_next.
sub bind_foreign
{
	my ($node) = @_;
	for my $name (sort keys %foreign)
	{
		$node->safe_psql('postgres',
			"CREATE OR REPLACE FUNCTION next_$name() RETURNS bigint "
			  . "AS '$foreign{$name}', 'flakeid_next' LANGUAGE C STRICT");
	}
	return;
}

# A new session's call: ('ok', id) or ('error', SQLSTATE, message, hint).
sub call
{
	my ($node, $function) = @_;
	my ($ret, $out, $err) = $node->psql(
		'postgres', qq{
		\\set VERBOSITY verbose
		SELECT $function();});
	return ('ok', $out) if $ret == 0;
	my ($state, $message) = $err =~ /ERROR:  ([0-9A-Z]{5}): (.*)/;
	my ($hint) = $err =~ /HINT:  (.*)/;
	return ('error', $state // '', $message // $err, $hint // '');
}

my $node = PostgreSQL::Test::Cluster->new('replaced');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION flakeid');
bind_foreign($node);

# The installed library makes the shared memory, then the "upgraded" ones come.
my ($kind, $first) = call($node, 'flakeid_next');
is($kind, 'ok', 'the installed library makes IDs');
for my $name (sort keys %foreign)
{
	my ($k, $state, $message, $hint) = call($node, "next_$name");
	is("$k $state", 'error FL011', "a library of another $name refuses with FL011");
	like($message,
		qr/^flakeid's shared memory was made by another build of the flakeid library/,
		"$name: the message says why");
	like($hint, qr/^Restart the server to finish installing the new flakeid library/,
		"$name: the hint says to restart");
}
my ($k2, $after) = call($node, 'flakeid_next');
ok($k2 eq 'ok' && $after > $first,
	"sessions of the installed library go on ($first, then $after)");

# A restart ends it: the installed library makes the memory anew, and its IDs go on above.
$node->restart;
my ($k3, $restarted) = call($node, 'flakeid_next');
ok($k3 eq 'ok' && $restarted > $after,
	"after a restart the installed library makes IDs again ($restarted)");
$node->stop;

done_testing();
