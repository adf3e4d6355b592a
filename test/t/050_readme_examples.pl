# The documentation's SQL examples run as written: every ```sql block of README.md, then of
# each docs/*.md by name, then of CONTRIBUTING.md, in order, each in a new session, on a
# fresh server (flakeid not preloaded) and a fresh database named shop, as a reader who
# copies them would (the pages' examples continue the README's, in the same database). A
# block whose first line is a comment starting with "-- fragment" is skipped: the page
# marks it as a piece of a larger statement or of someone else's schema.
#
# A block that raises an error fails the test. So do two mistakes that raise none:
#   - a timestamp literal without a zone ('2026-01-01'), whose instant moves with the
#     reader's TimeZone (the sessions here run in America/New_York, not UTC);
#   - an expression index whose times are not those of the rows it covers, e.g. IDs
#     decoded under another layout than the one they were made with: every timestamptz
#     expression indexed on a table the examples made must lie within the test's run.
#
# FLAKEID_README=path runs the examples of that file alone (e.g. an older README).
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;


# Timestamp literals of a block that name no zone, so that their instant depends on the
# session's TimeZone.
sub zoneless_literals {
	my ($sql) = @_;
	my @found;
	while ($sql =~ /'(\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*([^']*))'/g) {
		my ($text, $time, $zone) = ($1, $2, $3);
		push @found, $text
		  unless defined $time && $zone =~ /^(?:[+-]\d{2}(?::?\d{2})?|Z|UTC)$/i;
	}
	return @found;
}

my @blocks =
  defined $ENV{FLAKEID_README}
  ? readme_sql_blocks($ENV{FLAKEID_README})
  : doc_sql_blocks();
my %per_file;
$per_file{ $_->{file} }++ for @blocks;
note("$per_file{$_} SQL blocks in $_") for sort keys %per_file;
cmp_ok($per_file{ $blocks[0]{file} }, '>=', 5, "$blocks[0]{file} has SQL examples");
unless (defined $ENV{FLAKEID_README})
{
	# the pages beside the README that show SQL to run: their blocks are read, not lost
	for my $page ('docs/adopt.md')
	{
		cmp_ok($per_file{$page} // 0, '>=', 1, "$page has SQL examples");
	}
}

my $node = PostgreSQL::Test::Cluster->new('readme');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE shop');
my $started = $node->safe_psql('postgres', 'SELECT now()');

# The reader's sessions are not in UTC: what depends on the zone shows.
local $ENV{PGTZ} = 'America/New_York';

my ($ran, $skipped) = (0, 0);
for my $block (@blocks) {
	my $where = "$block->{file} line $block->{line} ($block->{heading})";
	if ($block->{sql} =~ /\A\s*--\s*fragment\b/i) {
		$skipped++;
		note("skipped, marked as a fragment: $where");
		next;
	}
	$ran++;
	my @zoneless = zoneless_literals($block->{sql});
	is_deeply(\@zoneless, [], "$where: every timestamp literal names its zone");
	my ($ret, $out, $err) = $node->psql('shop', $block->{sql}, on_error_stop => 1);
	note("$where:\n$block->{sql}\n$out");
	is($ret, 0, "$where runs without an error") or diag($err);
	diag("$where: $err") if $err ne '';
}
note("$ran blocks run, $skipped fragments skipped");

# Every timestamptz expression indexed on a table of the examples: the times it holds are
# those of the rows, all made during this test.
my $indexes = $node->safe_psql(
	'shop', q{
	SELECT i.indrelid::regclass, pg_get_indexdef(i.indexrelid, k, false)
	  FROM pg_index AS i
	  JOIN pg_class AS c ON c.oid = i.indrelid
	  JOIN pg_namespace AS n ON n.oid = c.relnamespace,
	       generate_series(1, i.indnatts) AS k
	 WHERE i.indkey[k - 1] = 0 AND n.nspname = 'public'});
my $checked = 0;
for my $row (split /\n/, $indexes) {
	my ($table, $expr) = split /\|/, $row, 2;
	my $type = $node->safe_psql('shop',
		"SELECT pg_typeof(($expr)) FROM $table LIMIT 1");
	next unless $type eq 'timestamp with time zone';
	$checked++;
	is( $node->safe_psql(
			'shop', qq{
			SELECT count(*) FILTER (WHERE ($expr) BETWEEN '$started'::timestamptz - interval '1 s'
			                                          AND now())
			       || ' of ' || count(*)
			  FROM $table}),
		$node->safe_psql('shop', "SELECT count(*) || ' of ' || count(*) FROM $table"),
		"index on $table: $expr holds the times its rows were made");
}
note("$checked indexed time expressions checked");

# The pages' relative links resolve: to a file of the tree and, with a #, to a heading.
unless (defined $ENV{FLAKEID_README})
{
	my $broken = `"$^X" "$FindBin::RealBin/../bin/check-doc-links.pl" 2>&1`;
	is($broken, '', 'every relative link of the documentation resolves');
}

$node->stop;
done_testing();
