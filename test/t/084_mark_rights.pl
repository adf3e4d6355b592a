# Who can move a database's high-water mark (README, Security and trust model): no role
# that is not superuser, not even the database's owner, may set it ahead (which would stop
# IDs in every database of the server) or take its value away (is_called = false); and
# after they tried, every database still makes IDs. Members of pg_write_all_data, which
# PostgreSQL lets write every sequence whatever its grants, are trusted like a superuser:
# the README says so; they are not tried here.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('mark_rights');
$node->init;
$node->start;

$node->safe_psql(
	'postgres', q{
	CREATE ROLE plain LOGIN;
	CREATE ROLE app_owner LOGIN;
	CREATE DATABASE d OWNER app_owner;
	CREATE DATABASE other;});
for my $db ('d', 'other')
{
	$node->safe_psql($db, 'CREATE EXTENSION flakeid; SELECT flakeid_next()');
}

# Runs $sql as $role in d: 'ok' or the SQLSTATE.
sub as_role
{
	my ($role, $sql) = @_;
	my ($ret, $out, $err) = $node->psql('d', "\\set VERBOSITY verbose\nSET ROLE $role;\n$sql",
		on_error_stop => 1);
	return 'ok' if $ret == 0;
	my ($state) = $err =~ /ERROR:  ([0-9A-Z]{5}):/;
	return $state // $err;
}

my $hour_ahead = q{(extract(epoch FROM now() + interval '1 hour') * 1000)::bigint};
for my $role ('plain', 'app_owner')
{
	is(as_role($role, "SELECT setval('flakeid_high_water', $hour_ahead, true)"),
		'42501', "$role cannot set the mark an hour ahead");
	is(as_role($role, "SELECT setval('flakeid_high_water', 1, false)"),
		'42501', "$role cannot take the mark's value away (is_called = false)");
	is(as_role($role, "ALTER SEQUENCE flakeid_high_water RESTART"),
		'42501', "$role cannot restart the mark");
}

# Whatever the roles tried, d and the other database of the server still make IDs.
for my $db ('d', 'other')
{
	my ($ret, $out, $err) =
	  $node->psql($db, "\\set VERBOSITY verbose\nSELECT flakeid_next() > 0");
	is($ret, 0, "$db still makes IDs") or diag($err);
}

$node->stop;
done_testing();
