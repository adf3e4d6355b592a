# DROP EXTENSION flakeid CASCADE and CREATE EXTENSION flakeid while sessions make IDs:
# the generating sessions look up the high-water sequence after they lock it, so they get
# IDs, or the documented 55000 while no extension is there (between a DROP and a CREATE in
# separate transactions); never an internal error (XX000). The server log holds no
# internal error either. The sessions call flakeid's C function through functions of
# their own, which the DROP leaves in place: a call of flakeid_next() itself, parsed while
# the DROP commits, can fail in PostgreSQL's parser ("cache lookup failed for function",
# XX000), as a call of any function dropped meanwhile can, before flakeid runs at all.
use strict;
use warnings FATAL => 'all';

use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(sleep time);
use FindBin;
use lib "$FindBin::RealBin/../perl";
use FlakeidTest;

my $sessions = 4;
my $rounds = 16;

my $node = start_node('drop_create', conf => "log_error_verbosity = verbose\n");
$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION flakeid;
	CREATE FUNCTION next_id() RETURNS bigint
	  AS '$libdir/flakeid', 'flakeid_next' LANGUAGE C VOLATILE STRICT;
	CREATE FUNCTION next_ids(integer) RETURNS SETOF bigint
	  AS '$libdir/flakeid', 'flakeid_next_ids' LANGUAGE C VOLATILE STRICT;
});

# Generating sessions: many statements, each its own transaction, errors shown with their
# SQLSTATE and not stopping the script; half of them reconnect before each call (the
# lookup of a new session), half stay connected (the renewal of the marks, about once a
# second, is where a long session looks the sequence up again).
my $steady = "\\set VERBOSITY verbose\n"
  . ("SELECT count(*) FROM next_ids(100);\nSELECT pg_sleep(0.002);\n" x 4000);
my $reconnecting =
  "\\set VERBOSITY verbose\n" . ("\\c\n\\set VERBOSITY verbose\nSELECT next_id();\n" x 400);
my @running;
for my $i (1 .. $sessions)
{
	my ($out, $err) = ('', '');
	# A file, not stdin: IPC::Run feeds stdin only while the harness is pumped.
	my $script = PostgreSQL::Test::Utils::tempdir() . "/session$i.sql";
	PostgreSQL::Test::Utils::append_to_file($script, $i % 2 ? $steady : $reconnecting);
	my $h = IPC::Run::start(
		[
			'psql', '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=0',
			'-h', $node->host, '-p', $node->port, '-d', 'postgres', '-f', $script
		],
		'>', \$out, '2>', \$err,
		IPC::Run::timeout($PostgreSQL::Test::Utils::timeout_default));
	push @running, { harness => $h, out => \$out, err => \$err };
}

# Meanwhile: DROP and CREATE in one transaction that stays open a moment (the generating
# sessions queue on the sequence's lock), and in two transactions.
sleep 0.3;
for my $round (1 .. $rounds)
{
	if ($round % 2)
	{
		$node->safe_psql('postgres',
			'BEGIN; DROP EXTENSION flakeid CASCADE; SELECT pg_sleep(0.3); '
			  . 'CREATE EXTENSION flakeid; COMMIT;');
	}
	else
	{
		$node->safe_psql('postgres', 'DROP EXTENSION flakeid CASCADE');
		sleep 0.05;
		$node->safe_psql('postgres', 'CREATE EXTENSION flakeid');
	}
	sleep 0.2;
}

my (%states, $ids);
for my $s (@running)
{
	$s->{harness}->finish;
	$states{$_}++ for ${ $s->{err} } =~ /ERROR:  ([0-9A-Z]{5}):/g;
	$ids += () = ${ $s->{out} } =~ /^\d+$/mg;
}
my ($sample) = map { ${ $_->{err} } =~ /(ERROR:  XX000: .*)/ } @running;
note "$rounds rounds of DROP and CREATE EXTENSION under $sessions generating sessions: "
  . "$ids results, errors: "
  . (join(', ', map { "$_ x $states{$_}" } sort keys %states) || 'none');
note "an internal error: $sample" if $sample;
cmp_ok($ids, '>', 1000, 'the sessions made IDs throughout');
is($states{XX000} // 0, 0, 'no internal error (XX000) in the generating sessions');
is(scalar(grep { $_ ne '55000' } keys %states), 0, 'every error is 55000');

my $log = slurp_file($node->logfile);
my @internal = $log =~ /^(.*(?:XX000|could not open relation|TRAP|PANIC).*)$/mg;
note "server log: $_" for @internal[ 0 .. ($#internal < 2 ? $#internal : 2) ];
is(scalar @internal, 0, 'the server log holds no internal error');

# IDs still go on above the old ones.
my $after = $node->safe_psql('postgres', 'SELECT flakeid_next()');
ok($after > 0, "flakeid_next() works after the rounds: $after");

$node->stop;
done_testing();
