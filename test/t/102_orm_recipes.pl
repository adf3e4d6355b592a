# The recipes of docs/orm-recipes.md, each run with its real framework against a server
# with the twitter layout, whose keys (about 9.2 * 10^17) are far above 2^53:
#   test/clients/django_recipe.py        Django + Django REST framework (Debian packages)
#   test/clients/activerecord_recipe.rb  Rails' Active Record + the pg gem (Debian packages)
#   test/clients/typeorm_recipe.js       TypeORM (npm, `make clients-deps`)
#   test/clients/knex_recipe.js          Knex (npm, `make clients-deps`)
# Each makes a table keyed by DEFAULT flakeid_next() the framework's way, inserts one row and
# then 1000 rows in one statement and checks that the framework hands back each key the
# server made, reads a row back by its key, and writes all 1001 rows with the framework's
# own JSON serializer: once as it does by default, once as the recipe says. Then
# test/clients/orm_json_check.js reads every file with JSON.parse, as a browser would, and
# compares each key with the server's id::text: by default a bigint key arrives as a JSON
# number and is changed (neighbours made in the same millisecond become one number); the
# recipe's way it arrives exactly.
#
# A framework whose packages are missing is skipped with the reason (Debian 13 and unstable,
# where 17 and 18 are tested, have no npm: TypeORM and Knex are skipped there).
use strict;
use warnings FATAL => 'all';

use File::Spec;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $clients = 'test/clients';
my $python = '/usr/bin/python3';    # Debian's, which has python3-django
my $ruby = '/usr/bin/ruby';         # Debian's, which has ruby-activerecord
my $rows = 1001;                    # one row by itself, then 1000 in one INSERT
my $node_bin = `sh -c 'command -v node'`;
chomp $node_bin;

# True when `cmd` (a shell command) exits 0 with its output thrown away.
sub runs { return system("$_[0] >/dev/null 2>&1") == 0; }

# An npm package resolvable from test/clients (installed by `make clients-deps`).
sub npm_has
{
	my ($package) = @_;
	return $node_bin
	  && runs("cd '$clients' && '$node_bin' -e \"require.resolve('$package')\"");
}

# Each recipe: its program, its table, what it needs and the JSON files it writes, each
# with what wrote it and what JSON.parse must find in it ('lost' or 'exact') on a bigint
# key and on a key of the flakeid type.
my @recipes = (
	{
		name => 'django',
		cmd => [ $python, "$clients/django_recipe.py" ],
		table => 'django_orders',
		ready => -x $python
		  && runs("$python -c 'import django, rest_framework, psycopg2'"),
		missing =>
		  "$python with Django and DRF (Debian packages python3-django, python3-djangorestframework)",
		payloads => [
			[
				'django-core.json', "Django's serializers.serialize('json')",
				'lost', 'exact'
			],
			[ 'django-drf-plain.json', "DRF's ModelSerializer", 'lost', 'lost' ],
			[
				'django-drf-fixed.json', 'FlakeIdModelSerializer (the recipe)',
				'exact', 'exact'
			],
		],
	},
	{
		name => 'activerecord',
		cmd => [ $ruby, "$clients/activerecord_recipe.rb" ],
		table => 'rails_orders',
		ready => -x $ruby
		  && runs(qq{$ruby -e 'require "active_record"; require "pg"'}),
		missing => "$ruby with Active Record and pg (Debian packages ruby-activerecord, ruby-pg)",
		# What Active Record says of a column type it does not know (the recipe registers
		# flakeid).
		warning => qr/unknown OID/,
		payloads => [
			[ 'rails-plain.json', "Active Record's to_json", 'lost', 'exact' ],
			[
				'rails-fixed.json', 'to_json with the FlakeIdJson concern (the recipe)',
				'exact', 'exact'
			],
		],
	},
	{
		name => 'typeorm',
		cmd => [ $node_bin, "$clients/typeorm_recipe.js" ],
		table => 'typeorm_orders',
		ready => npm_has('typeorm'),
		missing => "node with TypeORM (npm: run 'make clients-deps')",
		payloads => [
			[
				'typeorm-parseint8.json', 'JSON.stringify of TypeORM entities with parseInt8: true',
				'lost', 'exact'
			],
			[
				'typeorm-fixed.json', "JSON.stringify of TypeORM's entities (the recipe)",
				'exact', 'exact'
			],
		],
	},
	{
		name => 'knex',
		cmd => [ $node_bin, "$clients/knex_recipe.js" ],
		table => 'knex_orders',
		ready => npm_has('knex'),
		missing => "node with Knex (npm: run 'make clients-deps')",
		payloads => [
			[
				'knex-number.json', 'JSON.stringify of Knex rows with int8 parsed as Number',
				'lost', 'exact'
			],
			[
				'knex-fixed.json', "JSON.stringify of Knex rows, node-postgres's default (the recipe)",
				'exact', 'exact'
			],
			[
				'knex-bigint.json', 'Knex rows with int8 as BigInt, a replacer writing strings (the recipe)',
				'exact', 'exact'
			],
		],
	},
);

# Runs a recipe against database $db; returns (ok, output).
sub run_recipe
{
	my ($node, $db, $key_type, $out_dir, @cmd) = @_;
	local $ENV{PGHOST} = $node->host;
	local $ENV{PGPORT} = $node->port;
	local $ENV{PGDATABASE} = $db;
	local $ENV{FLAKEID_TEST_OUT} = $out_dir;
	local $ENV{FLAKEID_TEST_KEY_TYPE} = $key_type;
	my $out = '';
	my $ok = IPC::Run::run(\@cmd, '<', \undef, '>&', \$out,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	note "@cmd ($key_type key):\n$out";
	return ($ok, $out);
}

my $node = PostgreSQL::Test::Cluster->new('orm_recipes');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
flakeid.datacenter_id = 3
flakeid.machine_id = 7
});
$node->start;

# A database per key type: bigint, and the flakeid type (extension version 1.5).
my @key_types = ('bigint', 'flakeid');
for my $key_type (@key_types)
{
	my $db = "recipes_$key_type";
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql(
		$db, qq{
		CREATE EXTENSION flakeid;
		ALTER DATABASE $db SET flakeid.layout = 'twitter'});
	# The flakeid type comes with extension version 1.5 (issue 24): without it there is no
	# second run.
	if ($node->safe_psql($db, "SELECT to_regtype('$key_type') IS NULL") eq 't')
	{
		note "$key_type: no such type in this version of the extension: its recipes not run";
		next;
	}
	my $out_dir = PostgreSQL::Test::Utils::tempdir("json_$key_type");

	for my $recipe (@recipes)
	{
		my $name = $recipe->{name};
		my @payloads = @{ $recipe->{payloads} };
		my $warning = $recipe->{warning};
	  SKIP:
		{
			skip "$name recipe: $recipe->{missing} missing; make setup installs it",
			  2 + ($warning ? 1 : 0) + @payloads
			  unless $recipe->{ready};

			my ($ok, $out) =
			  run_recipe($node, $db, $key_type, $out_dir, @{ $recipe->{cmd} });
			ok($ok, "$name ($key_type): the recipe exits with status 0");
			like(
				$out,
				qr/^$name recipe: \d+ passed, 0 failed$/m,
				"$name ($key_type): the key of each insert comes back exactly, "
				  . 'and a row reads back by it');
			unlike($out, $warning, "$name ($key_type): the framework knows the key's type")
			  if $warning;

			skip 'node missing (Debian package nodejs): JSON.parse not tried',
			  scalar @payloads
			  unless $node_bin;
			# The server's keys, each a JSON string: exact whatever reads them. (Not
			# safe_psql: a recipe that failed may have left no table, and the checks below
			# then say so.)
			my $keys = File::Spec->catfile($out_dir, "$name-keys.json");
			my (undef, $keys_json) = $node->psql($db,
				"SELECT json_object_agg(n, id::text) FROM $recipe->{table}");
			PostgreSQL::Test::Utils::append_to_file($keys, $keys_json || '{}');
			my $check = '';
			IPC::Run::run(
				[
					$node_bin, "$clients/orm_json_check.js",
					$keys, map { File::Spec->catfile($out_dir, $_->[0]) } @payloads
				],
				'<', \undef, '>&', \$check);
			note "orm_json_check.js:\n$check";
			for my $payload (@payloads)
			{
				my ($file, $what, $on_bigint, $on_flakeid) = @$payload;
				if (($key_type eq 'bigint' ? $on_bigint : $on_flakeid) eq 'exact')
				{
					like(
						$check,
						qr/^exact: \S*\Q$file\E: all $rows keys equal the database's id::text/m,
						"$name ($key_type): $what: JSON.parse keeps every key exactly");
				}
				else
				{
					like(
						$check,
						qr/^lost: \S*\Q$file\E: [1-9]\d* of $rows keys are missing or differ/m,
						"$name ($key_type): $what: JSON.parse changes the keys");
				}
			}
		}
	}
}

$node->stop;
done_testing();
