# `make bench`, the chart: reads the chart_*.dat files report.pl writes in the current
# directory and draws NAME.png, three panels side by side. bench.sh gives the file's name
# and the server's version: gnuplot -e "name = 'pg18'; version = 'PostgreSQL 18.6'" chart.gp
if (!exists("name")) name = "chart"
if (!exists("version")) version = "PostgreSQL"
set terminal pngcairo size 1600,620 font "DejaVu Sans,10" noenhanced
set output name.".png"
set multiplot title sprintf("flakeid on %s — medians of interleaved rounds (make bench; see %s.md)", version, name) font ",13"
set style fill solid 0.85 border -1
set boxwidth 0.65
set grid ytics
set key off
set xtics nomirror rotate by 30 right font ",9"
set yrange [0:*]
set offsets 0.5, 0.5, graph 0.08, 0
set bmargin 9

set origin 0, 0
set size 0.46, 0.95
set title "Per call: SELECT count(f()) FROM generate_series(1, n)"
set ylabel "ns per call"
plot "chart_calls.dat" using 0:2:xtic(1) with boxes lc rgb "#4472c4", \
     "" using 0:2:(sprintf("%.0f", $2)) with labels offset 0,0.8 font ",9"

set origin 0.46, 0
set size 0.27, 0.95
set title "INSERT ... SELECT, primary key by DEFAULT"
set ylabel "ms (label: primary key index, MiB)"
plot "chart_inserts.dat" using 0:2:xtic(1) with boxes lc rgb "#ed7d31", \
     "" using 0:2:(sprintf("%.0f ms\n%.1f MiB", $2, $3)) with labels offset 0,1.6 font ",9"

set origin 0.73, 0
set size 0.27, 0.95
set title "IDs per second, backends together"
set ylabel "million IDs/s"
plot "chart_rates.dat" using 0:2:xtic(1) with boxes lc rgb "#70ad47", \
     "" using 0:2:(sprintf("%.2f M/s", $2)) with labels offset 0,0.8 font ",9"
unset multiplot
