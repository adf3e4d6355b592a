#!/usr/bin/perl
# `make bench`, the report: reads OUTDIR/meta.tsv and OUTDIR/raw.tsv (written by run.sh)
# and OUTDIR/core.txt (the Google Benchmark of the core, when there), and writes
# OUTDIR/pgMAJOR.md (MAJOR: the server's major version) and the data files chart.gp plots.
# Every figure is a median over the interleaved rounds; a ratio is the median of the ratios
# taken within each round. Where the server has uuidv7() (18 and later), it is an anchor
# too, with the targets of issue 8 against it.
use strict;
use warnings;

my $out = shift or die "usage: report.pl OUTDIR\n";

# ---- input ----
my %meta;
open my $mf, '<', "$out/meta.tsv" or die "$out/meta.tsv: $!\n";
while (<$mf>) { chomp; my ($k, $v) = split /\t/, $_, 2; $meta{$k} = $v; }
close $mf;

# $raw{section}{case}{round} = [values]
my %raw;
open my $rf, '<', "$out/raw.tsv" or die "$out/raw.tsv: $!\n";
while (<$rf>) {
  chomp;
  my ($section, $case, $round, @values) = split /\t/, $_, -1;
  $raw{$section}{$case}{$round} = \@values;
}
close $rf;

my $n = $meta{n};
my $rounds = $meta{rounds};
my $name = "pg$meta{pg_major}";
my $has_uuidv7 = exists $raw{call}{uuidv7};

# ---- statistics and formatting ----
sub median {
  my @v = sort { $a <=> $b } grep { defined && $_ ne '' } @_;
  return undef unless @v;
  return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

# Values of field $i of a case, over its rounds.
sub series {
  my ($section, $case, $i) = @_;
  my $r = $raw{$section}{$case} or return ();
  return map { $r->{$_}[$i // 0] } sort { $a <=> $b } keys %$r;
}

# Median over rounds of field $i of a case divided by the same of another case.
sub ratio {
  my ($section, $case, $base, $i) = @_;
  my ($r, $b) = ($raw{$section}{$case}, $raw{$section}{$base});
  return undef unless $r && $b;
  return median(map { $b->{$_} && $b->{$_}[$i // 0] > 0 ? $r->{$_}[$i // 0] / $b->{$_}[$i // 0] : () }
    grep { exists $b->{$_} } keys %$r);
}

# 1234567 -> "1,234,567"
sub commas {
  my $x = sprintf '%.0f', shift;
  1 while $x =~ s/^(-?\d+)(\d{3})/$1,$2/;
  return $x;
}

sub fmt { my ($f, $v) = @_; return defined $v ? sprintf($f, $v) : 'n/a'; }

# "met" or "missed" for a measured value against a bound.
sub verdict {
  my ($value, $bound, $at_most) = @_;
  return 'n/a' unless defined $value;
  return ($at_most ? $value <= $bound : $value >= $bound) ? 'met' : '**missed**';
}

sub mib { return sprintf '%.1f MiB', $_[0] / 1048576; }

# ---- per call ----
my %ceiling_ns = (high_throughput => 1e6 / 65536, twitter => 1e6 / 4096, minimal => 1e6 / 1024);
my @calls = (
  [base           => '(none: `count(*)`, the statement alone)',     ''],
  [clock          => 'clock_timestamp()',                           ''],
  [nextval        => 'nextval()',                                   ''],
  [nextval_cache  => 'nextval(), sequence with CACHE 1000',         ''],
  [uuid           => 'gen_random_uuid()',                           ''],
  ($has_uuidv7 ? [uuidv7 => 'uuidv7()',                             ''] : ()),
  [next_ht        => 'flakeid_next()',                              'high_throughput'],
  [next_tw        => 'flakeid_next()',                              'twitter'],
  [next_min       => 'flakeid_next()',                              'minimal'],
  [ids_ht         => "flakeid_next_ids($n), in FROM",               'high_throughput'],
  [ids_min        => "flakeid_next_ids($n), in FROM",               'minimal'],
  [ids_min_stream => "flakeid_next_ids($n), in the select list",    'minimal'],
);
my %call_ns;
for my $c (@calls) {
  my @ms = series('call', $c->[0]);
  $call_ns{$c->[0]} = {
    ms => median(@ms),
    ns => defined median(@ms) ? median(@ms) * 1e6 / $n : undef,
    min => @ms ? (sort { $a <=> $b } @ms)[0] * 1e6 / $n : undef,
    max => @ms ? (sort { $a <=> $b } @ms)[-1] * 1e6 / $n : undef,
    x_clock => ratio('call', $c->[0], 'clock'),
    x_nextval => ratio('call', $c->[0], 'nextval'),
    x_uuidv7 => ratio('call', $c->[0], 'uuidv7'),
  };
}

# ---- two backends ----
# A round where a backend failed has no span; it is counted, with its error, not averaged.
my @pair_ms = series('pair', 'twitter', 0);
my @pair_ids = series('pair', 'twitter', 1);
my @pair_rate = map { $pair_ids[$_] / ($pair_ms[$_] / 1000) } grep { $pair_ms[$_] > 0 } 0 .. $#pair_ms;
my $pair_failed = grep { !($_ > 0) } @pair_ms;
my ($pair_error) = grep { defined && $_ ne '' } series('pair', 'twitter', 2);
my $pair_rate = median(@pair_rate);
my $twitter_ceiling = 4096000;

# ---- inserts ----
my @insert_keys = ('flakeid', 'flakeid_type', 'bigserial', 'uuid', $has_uuidv7 ? 'uuidv7' : ());
my %ins;
for my $k (@insert_keys) {
  my @ms = sort { $a <=> $b } series('insert', $k, 0);
  my $ms = median(@ms);
  $ins{$k} = {
    ms => $ms,
    min => $ms[0],
    max => $ms[-1],
    ns => defined $ms ? $ms * 1e6 / $meta{insert_rows} : undef,
    x_bigserial => ratio('insert', $k, 'bigserial', 0),
    x_bigint => ratio('insert', $k, 'flakeid', 0),
    x_uuidv7 => ratio('insert', $k, 'uuidv7', 0),
    index_x_uuidv7 => ratio('insert', $k, 'uuidv7', 1),
    index => median(series('insert', $k, 1)),
    table => median(series('insert', $k, 2)),
  };
}

# ---- contention ----
my %con;
for my $k (qw(flakeid nextval)) {
  my @tps = sort { $a <=> $b } series('contention', $k, 0);
  my $tps = median(@tps);
  my $lat = median(series('contention', $k, 1));
  my @aborted = series('contention', $k, 2);
  my ($error) = grep { defined && $_ ne '' } series('contention', $k, 3);
  $con{$k} = {
    rate => defined $tps ? $tps * 10000 : undef,
    rate_min => @tps ? $tps[0] * 10000 : undef,
    rate_max => @tps ? $tps[-1] * 10000 : undef,
    wall_ns => $tps ? 1e9 / ($tps * 10000) : undef,
    call_ns => defined $lat ? $lat * 1e6 / 10000 : undef,
    x_nextval => ratio('contention', 'nextval', $k, 0),   # tps of nextval / tps of $k
    aborted => (eval { my $s = 0; $s += $_ for @aborted; $s }),
    runs_aborted => scalar(grep { $_ > 0 } @aborted),
    error => $error,
  };
}

# ---- settings per transaction ----
my @tx_cases = (
  [session        => '`SET flakeid.layout` once for the session; each transaction calls `flakeid_next()`'],
  [set_local      => '`SET LOCAL flakeid.layout` in each transaction, then `flakeid_next()`'],
  [function_set   => 'a function with a `SET flakeid.layout` clause that calls `flakeid_next()`'],
  [set_local_only => '`SET LOCAL flakeid.layout` alone, no flakeid call (what PostgreSQL itself takes)'],
);
my %txr;
for my $c (@tx_cases) {
  my @ms = sort { $a <=> $b } series('tx', $c->[0]);
  my $ms = median(@ms);
  my $us = sub { defined $_[0] ? $_[0] * 1000 / $meta{tx} : undef };
  $txr{ $c->[0] } = {
    us => $us->($ms), min => $us->($ms[0]), max => $us->($ms[-1]),
    x_session => ratio('tx', $c->[0], 'session'),
  };
}

# ---- memory ----
my %mem;
for my $k (qw(BEFORE AFTER)) { $mem{$k} = $raw{memory}{$k}{1} // [] }
my ($shm_size, $shm_alloc, $shm_source) = @{ $raw{shmem}{flakeid}{1} // [] };
$shm_source ||= 'pg_shmem_allocations';
my $rss_growth = defined $mem{AFTER}[0] && defined $mem{BEFORE}[0] ? $mem{AFTER}[0] - $mem{BEFORE}[0] : undef;
my $anon_growth = defined $mem{AFTER}[1] && defined $mem{BEFORE}[1] ? $mem{AFTER}[1] - $mem{BEFORE}[1] : undef;

# ---- the Markdown ----
my @md;
push @md, "# flakeid benchmark", "",
  "Written by `make bench` on $meta{date}: $meta{cpu}, $meta{nproc} CPUs (nproc), $meta{kernel}" .
    (defined $meta{os} ? ", $meta{os}" : '') . "; $meta{pg}" .
    (defined $meta{pg_configure} ? sprintf(', configured %s `--enable-cassert` and %s `--with-openssl`',
      $meta{pg_configure} =~ /--enable-cassert/ ? 'with' : 'without',
      $meta{pg_configure} =~ /--with-openssl|--with-ssl=openssl/ ? 'with' : 'without') : '') . '.',
  "Load average (1, 5, 15 min) before: $meta{load_before}; after: $meta{load_after}. The server part took $meta{server_seconds} s.",
  "",
  "A throwaway server of its own, set up for benchmarking: `$meta{conf}`. **Durability is off** (`fsync = off`) — the insert times are not those of a crash-safe server. flakeid is not preloaded (`CREATE EXTENSION` only), `work_mem` is the default 4MB.",
  "Every figure is the median of interleaved rounds — $meta{call_rounds} for the per-call table, $rounds for the rest; each round runs every case once, in a rotated order — and a ratio is the median of the ratios within each round. The bench reports; it asserts nothing.",
  "", "![flakeid benchmark]($name.png)", "";

push @md, "## Per call", "",
  "`SELECT count(f()) FROM generate_series(1, $n)` in one backend, one session per statement after a warm-up of " . commas($n / 10) . " calls; \\timing in psql. The layout's ceiling is the least time per ID its sequence field allows (2^S IDs per ms).", "",
  "| function | layout | ns per call | min – max | over the statement alone | × clock_timestamp() | × nextval() |" .
    ($has_uuidv7 ? ' × uuidv7() |' : '') . " layout's ceiling, ns per ID |",
  '|---|---|--:|--:|--:|--:|--:|' . ($has_uuidv7 ? '--:|' : '') . '--:|';
my $base_ns = $call_ns{base}{ns};
for my $c (@calls) {
  my $r = $call_ns{ $c->[0] };
  push @md, sprintf '| %s | %s | %s | %s – %s | %s | %s | %s |%s %s |', $c->[1] =~ /^\(/ ? $c->[1] : "`$c->[1]`",
    $c->[2] || '—', fmt('%.0f', $r->{ns}), fmt('%.0f', $r->{min}), fmt('%.0f', $r->{max}),
    $c->[0] eq 'base' ? '—' : fmt('%+.0f', defined $r->{ns} && defined $base_ns ? $r->{ns} - $base_ns : undef),
    fmt('%.2f', $r->{x_clock}), fmt('%.2f', $r->{x_nextval}),
    $has_uuidv7 ? ' ' . fmt('%.2f', $r->{x_uuidv7}) . ' |' : '',
    $c->[2] ? sprintf('%.1f', $ceiling_ns{ $c->[2] }) : '—';
}
push @md, "",
  "Under twitter and minimal one backend runs at the layout's ceiling. `generate_series` in FROM fills a tuplestore with all its rows before the first call (part of \"the statement alone\"), and no IDs are made meanwhile, so those rows show about the ceiling plus that time; a function in FROM (`flakeid_next_ids`) likewise goes through a tuplestore that is read after the last ID is made.",
  "";

my $ids_bound = 1.05 * 1e6 / 1024 * $n / 1e6;
my $ids_min = $call_ns{ids_min}{ms};
my $ids_stream = $call_ns{ids_min_stream}{ms};
push @md, "## The targets", "",
  "| target | measured | |", "|---|---|---|",
  sprintf('| `flakeid_next()`, high_throughput: ≤ 1.15 × `clock_timestamp()` | %s × | %s |',
    fmt('%.3f', $call_ns{next_ht}{x_clock}), verdict($call_ns{next_ht}{x_clock}, 1.15, 1)),
  sprintf('| `flakeid_next()`, high_throughput: ≤ 0.5 × `nextval()` | %s × | %s |',
    fmt('%.3f', $call_ns{next_ht}{x_nextval}), verdict($call_ns{next_ht}{x_nextval}, 0.5, 1)),
  sprintf('| `flakeid_next_ids(%s)`, minimal: ≤ 1.05 × %.0f ms = %.0f ms | %s ms in FROM; %s ms in the select list | %s; %s |',
    commas($n), $ids_bound / 1.05, $ids_bound, fmt('%.0f', $ids_min), fmt('%.0f', $ids_stream),
    verdict($ids_min, $ids_bound, 1), verdict($ids_stream, $ids_bound, 1)),
  sprintf('| two backends, `flakeid_next()` flat out, twitter: ≥ 90%% of 4,096,000 IDs/s | %s IDs/s = %s%% | %s |',
    commas($pair_rate // 0), fmt('%.1f', defined $pair_rate ? 100 * $pair_rate / $twitter_ceiling : undef),
    verdict($pair_rate, 0.9 * $twitter_ceiling, 0)),
  sprintf('| %s-row insert, `DEFAULT flakeid_next()`: ≤ 1.05 × bigserial | %s × | %s |', commas($meta{insert_rows}),
    fmt('%.3f', $ins{flakeid}{x_bigserial}), verdict($ins{flakeid}{x_bigserial}, 1.05, 1)),
  sprintf('| primary key index the size of bigserial\'s | %s vs %s bytes | %s |', commas($ins{flakeid}{index} // 0),
    commas($ins{bigserial}{index} // 0),
    defined $ins{flakeid}{index} && defined $ins{bigserial}{index} && $ins{flakeid}{index} == $ins{bigserial}{index} ? 'met' : '**missed**'),
  sprintf('| a backend that makes %s IDs stays flat | RSS %s kB → %s kB (%+d kB; anonymous %+d kB) | %s |', commas($meta{memory_ids}),
    commas($mem{BEFORE}[0] // 0), commas($mem{AFTER}[0] // 0), $rss_growth // 0, $anon_growth // 0,
    defined $anon_growth && $anon_growth <= 1024 ? 'met' : '**missed**'),
  "", "(RSS counts the shared buffers a backend touches; \"flat\" is judged on anonymous memory, within 1 MiB.)", "";

if ($has_uuidv7) {
  my ($call, $ins_f, $ins_v) = ($call_ns{next_ht}, $ins{flakeid}, $ins{uuidv7});
  push @md, "## Against uuidv7() (issue 8)", "",
    "PostgreSQL 18's `uuidv7()` is the time-ordered key a new project would otherwise take. flakeid runs under high_throughput, as everywhere above; each ratio is the median of the ratios within a round. Missing a target is a finding, not a failure.", "",
    "| target | measured | flakeid vs uuidv7() | |", "|---|--:|---|---|",
    sprintf('| per call, `flakeid_next()`: ≤ 0.2 × `uuidv7()` | %s × | %s vs %s ns per call | %s |',
      fmt('%.3f', $call->{x_uuidv7}), fmt('%.0f', $call->{ns}), fmt('%.0f', $call_ns{uuidv7}{ns}),
      verdict($call->{x_uuidv7}, 0.2, 1)),
    sprintf('| %s-row insert, `DEFAULT flakeid_next()`: ≤ 0.7 × `DEFAULT uuidv7()` | %s × | %s vs %s ms | %s |',
      commas($meta{insert_rows}), fmt('%.3f', $ins_f->{x_uuidv7}), fmt('%.0f', $ins_f->{ms}), fmt('%.0f', $ins_v->{ms}),
      verdict($ins_f->{x_uuidv7}, 0.7, 1)),
    sprintf('| primary key index: ≤ 0.75 × `uuidv7()`\'s | %s × | %s vs %s bytes | %s |',
      fmt('%.3f', $ins_f->{index_x_uuidv7}), commas($ins_f->{index} // 0), commas($ins_v->{index} // 0),
      verdict($ins_f->{index_x_uuidv7}, 0.75, 1)),
    "",
    sprintf('The statement alone (`count(*)` over `generate_series`) takes %s ns per row of both; above it, `flakeid_next()` takes %s ns and `uuidv7()` %s ns. A B-tree entry of a `bigint` key takes about 20 bytes with its line pointer against 28 for a `uuid`, so 0.71 × is the floor of the index ratio.',
      fmt('%.0f', $base_ns), fmt('%+.0f', defined $call->{ns} && defined $base_ns ? $call->{ns} - $base_ns : undef),
      fmt('%+.0f', defined $call_ns{uuidv7}{ns} && defined $base_ns ? $call_ns{uuidv7}{ns} - $base_ns : undef)),
    "";
}

push @md, "## At the layout's ceiling", "",
  sprintf('- `SELECT count(*) FROM flakeid_next_ids(%s)` under minimal (1,024 IDs per ms, so at least %.0f ms): **%s ms** (min – max %s – %s). `SELECT count(id) FROM (SELECT flakeid_next_ids(%s) AS id) s`, where the rows stream rather than go through the tuplestore PostgreSQL fills for a function in FROM: **%s ms**.',
    commas($n), $ids_bound / 1.05, fmt('%.0f', $ids_min), fmt('%.0f', ($call_ns{ids_min}{min} // 0) * $n / 1e6),
    fmt('%.0f', ($call_ns{ids_min}{max} // 0) * $n / 1e6), commas($n), fmt('%.0f', $ids_stream)),
  sprintf('- Two backends calling `flakeid_next()` flat out under twitter, %s IDs each, released together (advisory lock); the span runs from the first start to the last finish on the server\'s clock: **%s IDs/s** together, %s%% of the layout\'s 4,096,000 (rounds: %s).',
    commas($meta{pair_ids}), commas($pair_rate // 0), fmt('%.1f', defined $pair_rate ? 100 * $pair_rate / $twitter_ceiling : undef),
    join(', ', map { commas($_) } @pair_rate)),
  $pair_failed ? sprintf('  In %d of %d rounds a backend failed: `%s`.', $pair_failed, scalar @pair_ms, $pair_error // 'no error text') : (),
  "";

push @md, "## Inserts", "",
  sprintf('`INSERT INTO t (n) SELECT g FROM generate_series(1, %s) g` into a fresh table `(id <key> PRIMARY KEY, n integer)`, after a `CHECKPOINT`; flakeid under high_throughput.', commas($meta{insert_rows})), "",
  "| primary key | ms | min – max | ns per row | × bigserial | primary key index | table |", "|---|--:|--:|--:|--:|--:|--:|";
for my $k ([flakeid => '`bigint DEFAULT flakeid_next()`'], [flakeid_type => '`flakeid DEFAULT flakeid_next()` (the type)'],
  [bigserial => '`bigserial`'], [uuid => '`uuid DEFAULT gen_random_uuid()`'],
  ($has_uuidv7 ? [uuidv7 => '`uuid DEFAULT uuidv7()`'] : ())) {
  my $r = $ins{ $k->[0] };
  push @md, sprintf '| %s | %s | %s – %s | %s | %s | %s (%s bytes) | %s |', $k->[1], fmt('%.0f', $r->{ms}),
    fmt('%.0f', $r->{min}), fmt('%.0f', $r->{max}), fmt('%.0f', $r->{ns}),
    fmt('%.2f', $r->{x_bigserial}), mib($r->{index} // 0), commas($r->{index} // 0), mib($r->{table} // 0);
}
push @md, "";
if (defined $ins{flakeid_type}{ms}) {
  my ($t, $b) = ($ins{flakeid_type}, $ins{flakeid});
  push @md, sprintf('The flakeid type against a bigint column, the same `DEFAULT flakeid_next()`: %s × the insert time (medians, %s vs %s ms; round by round %s); primary key index %s bytes vs %s bytes.',
    fmt('%.3f', $t->{x_bigint}), fmt('%.0f', $t->{ms}), fmt('%.0f', $b->{ms}),
    join(', ', map { fmt('%.0f', $_) } series('insert', 'flakeid_type', 0)) . ' vs ' . join(', ', map { fmt('%.0f', $_) } series('insert', 'flakeid', 0)),
    commas($t->{index} // 0), commas($b->{index} // 0)), "";
}

push @md, "## Contention: 8 backends", "",
  sprintf('`pgbench -n -c 8 -j 2 -t %s`, each transaction `SELECT count(f()) FROM generate_series(1, 10000)`; flakeid under high_throughput, all 8 on one state word. On %s CPUs the backends also share the processors: the per-call figure in a backend includes its waits for a CPU.', $meta{pgbench_tx}, $meta{nproc}), "",
  "| function | IDs/s, all 8 | min – max | ns per ID, wall clock over all 8 | ns per call in a backend | cost per ID × nextval() | clients aborted |",
  "|---|--:|--:|--:|--:|--:|--:|";
for my $k ([flakeid => '`flakeid_next()`'], [nextval => '`nextval()`']) {
  my $r = $con{ $k->[0] };
  push @md, sprintf '| %s | %s | %s – %s | %s | %s | %s | %s |', $k->[1], commas($r->{rate} // 0),
    commas($r->{rate_min} // 0), commas($r->{rate_max} // 0), fmt('%.0f', $r->{wall_ns}),
    fmt('%.0f', $r->{call_ns}), fmt('%.2f', $r->{x_nextval}),
    $r->{aborted} ? "$r->{aborted} (in $r->{runs_aborted} of $rounds runs)" : '0';
}
for my $k (qw(flakeid nextval)) {
  push @md, "", "A client of `$k` was aborted by: `$con{$k}{error}` (rates count the transactions that completed)."
    if $con{$k}{aborted} && $con{$k}{error};
}
push @md, "";

push @md, "## Settings per transaction", "",
  sprintf('`CALL` of a procedure that runs %s transactions (it commits after each), one `flakeid_next()` in each under twitter; one session per statement after a warm-up of %s transactions. A change of a setting makes the next call resolve the settings again (generator, state slot, node ids); once the database has resumed, that reads no catalog, no sequence and no mark file.', commas($meta{tx}), commas($meta{tx} / 10)), "",
  "| each transaction | µs per transaction | min – max | × session setting |", "|---|--:|--:|--:|";
for my $c (@tx_cases) {
  my $r = $txr{ $c->[0] };
  push @md, sprintf '| %s | %s | %s – %s | %s |', $c->[1], fmt('%.2f', $r->{us}), fmt('%.2f', $r->{min}),
    fmt('%.2f', $r->{max}), fmt('%.2f', $r->{x_session});
}
push @md, "";

# ---- fair shares (issue 10) ----
if ($raw{fair}) {
  my %fair;
  for my $k (qw(alone beside)) {
    $fair{$k} = {
      tps => median(series('fair', $k, 0)),
      latency => median(series('fair', $k, 1)),
      p99 => median(series('fair', $k, 2)),
      ids => median(series('fair', $k, 3)),
    };
  }
  my ($kept, $slower, $p99_x) =
    (ratio('fair', 'beside', 'alone', 0), ratio('fair', 'beside', 'alone', 1), ratio('fair', 'beside', 'alone', 2));
  my %bulk;
  for my $layout (qw(twitter minimal)) {
    my $per_ms = $layout eq 'twitter' ? 4096 : 1024;
    my @ms = series('bulk', $layout, 0);
    my ($ids) = series('bulk', $layout, 1);
    my $ms = median(@ms);
    $bulk{$layout} = {
      ids => $ids,
      ms => $ms,
      floor => defined $ids ? $ids / $per_ms : undef,
      share => defined $ms && $ms > 0 ? $ids / $per_ms / $ms : undef,
      rounds => join(', ', map { sprintf '%.0f', $_ } @ms),
    };
  }
  my $fr = () = series('fair', 'alone', 0);
  push @md, "## Fair shares: a bulk call beside other writers (issue 10)", "",
    sprintf('Two pgbench clients (`-c 2 -j 2 -T %s`) insert rows through `DEFAULT flakeid_next()` under twitter, alone and while another session runs `SELECT count(*) FROM (SELECT flakeid_next_ids(100000000)) s` flat out on the same state; %d rounds, the order of the two runs alternating; latencies from pgbench\'s per-transaction log. "All IDs a second" counts every ID the server made meanwhile (`flakeid_status()`).',
      $meta{fair_seconds} // 3, $fr), "",
    "| the two clients | transactions/s | average latency | p99 latency | all IDs a second |", "|---|--:|--:|--:|--:|",
    sprintf('| alone | %s | %s ms | %s ms | %s |', commas($fair{alone}{tps} // 0), fmt('%.3f', $fair{alone}{latency}),
      fmt('%.3f', $fair{alone}{p99}), commas($fair{alone}{ids} // 0)),
    sprintf('| beside the bulk call | %s (%s%% of alone) | %s ms (%s ×) | %s ms (%s ×) | %s (%s%% of the ceiling) |',
      commas($fair{beside}{tps} // 0), fmt('%.0f', defined $kept ? 100 * $kept : undef),
      fmt('%.3f', $fair{beside}{latency}), fmt('%.2f', $slower), fmt('%.3f', $fair{beside}{p99}), fmt('%.2f', $p99_x),
      commas($fair{beside}{ids} // 0), fmt('%.0f', defined $fair{beside}{ids} ? 100 * $fair{beside}{ids} / $twitter_ceiling : undef)),
    "",
    "| target | measured | |", "|---|---|---|",
    sprintf('| beside a bulk call, the clients keep ≥ 50%% of their transactions a second | %s%% | %s |',
      fmt('%.0f', defined $kept ? 100 * $kept : undef), verdict($kept, 0.5, 0)),
    sprintf('| ... and their average latency stays under 3 × | %s × | %s |', fmt('%.2f', $slower), verdict($slower, 3, 1)),
    (map {
      my ($layout, $b) = ($_, $bulk{$_});
      sprintf('| `SELECT count(*) FROM (SELECT flakeid_next_ids(%s)) s`, %s, alone: ≥ 95%% of the ceiling (%s ms) | %s ms = %s%% (rounds: %s ms) | %s |',
        $b->{ids} // 0, $layout, fmt('%.0f', $b->{floor}), fmt('%.0f', $b->{ms}),
        fmt('%.1f', defined $b->{share} ? 100 * $b->{share} : undef), $b->{rounds}, verdict($b->{share}, 0.95, 0))
    } qw(twitter minimal)),
    "",
    "A bulk call takes half of what a millisecond has left at a time, and while it sees others take IDs from its state it leaves them the last quarter of each millisecond (README, \"Guarantees\"): beside the clients it makes about three quarters of the ceiling, alone all of it. What the clients lose beside it is mostly CPU: the bulk call sleeps between milliseconds, but the rows it returns cost about a fifth of a core beside the clients (a third alone under twitter; README, \"Not guaranteed\").",
    "";
}

push @md, "## Memory", "",
  sprintf('One backend makes %s IDs (`flakeid_next()`, high_throughput); its /proc/PID/status before and after, in kB.', commas($meta{memory_ids})), "",
  "| | VmRSS | RssAnon | RssShmem | VmHWM |", "|---|--:|--:|--:|--:|",
  sprintf('| before | %s | %s | %s | %s |', map { commas($_ // 0) } @{ $mem{BEFORE} }[0 .. 3]),
  sprintf('| after %s IDs | %s | %s | %s | %s |', commas($meta{memory_ids}), map { commas($_ // 0) } @{ $mem{AFTER} }[0 .. 3]),
  "",
  $shm_source eq 'pg_shmem_allocations'
    ? sprintf('Shared memory: `pg_shmem_allocations` row `flakeid state table`: **%s bytes** (%s allocated).', commas($shm_size // 0), commas($shm_alloc // 0))
    : $shm_source eq 'pg_dsm_registry_allocations'
    ? sprintf('Shared memory: a segment of the DSM registry, `pg_dsm_registry_allocations` row `flakeid state table`: **%s bytes**.', commas($shm_size // 0))
    : sprintf('Shared memory: a segment of the DSM registry, named `flakeid state table`: **%s bytes** (`shared_memory_bytes` of `flakeid_status()`). `pg_shmem_allocations` lists no such row on this server (it does not list DSM-registry segments), and PostgreSQL %s has no `pg_dsm_registry_allocations` view to list it (a later release adds one).', commas($shm_size // 0), $meta{pg_major}),
  "";

if (open my $cf, '<', "$out/core.txt") {
  local $/;
  my $core = <$cf>;
  close $cf;
  push @md, "## The core alone (Google Benchmark)", "",
    "`build/core_bench` (bench/core_bench.cpp, -O2): `Generator::reserve` on one shared `State` with `wall_clock_ms()`, median of 3 repetitions. `threads:2` is two threads contending for one state word; Time is wall-clock time per ID over both (per 1000 IDs for `next_ids_1000`). `backwards` counts stale clock readings that `reserve()` took for a clock that went backwards (the bench reads the clock again).", "",
    "```", $core =~ s/\s+\z//r, "```", "";
}

open my $md, '>', "$out/$name.md" or die "$out/$name.md: $!\n";
print $md join("\n", @md), "\n";
close $md;

# ---- data for the chart ----
open my $d1, '>', "$out/chart_calls.dat" or die;
for my $c (grep { $_->[0] !~ /^(ids_min|base)/ } @calls) {
  my $label = $c->[1] =~ s/, sequence with CACHE 1000/ CACHE 1000/r;
  $label =~ s/\(\d+\), in FROM/(n)/;
  $label .= " $c->[2]" if $c->[2];
  printf $d1 "\"%s\" %.1f\n", $label, $call_ns{ $c->[0] }{ns} // 0;
}
close $d1;
open my $d2, '>', "$out/chart_inserts.dat" or die;
printf $d2 "\"%s\" %.0f %.1f\n", $_->[0], $ins{ $_->[1] }{ms} // 0, ($ins{ $_->[1] }{index} // 0) / 1048576
  for ['flakeid_next()', 'flakeid'], ['bigserial', 'bigserial'], ['gen_random_uuid()', 'uuid'],
  ($has_uuidv7 ? ['uuidv7()', 'uuidv7'] : ());
close $d2;
open my $d3, '>', "$out/chart_rates.dat" or die;
printf $d3 "\"%s\" %.3f\n", @$_
  for ["flakeid_next() x8 high_throughput", ($con{flakeid}{rate} // 0) / 1e6],
  ["nextval() x8", ($con{nextval}{rate} // 0) / 1e6],
  ["flakeid_next() x2 twitter", ($pair_rate // 0) / 1e6];
close $d3;
