# Throughput and latency by arm, from the data files report.mjs writes next to results.md.
set terminal pngcairo size 1200,520 font ",10" noenhanced
set output "chart.png"
set multiplot layout 1,2
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -30
set grid ytics
set key top right
set title "Throughput at fixed concurrency (median, min-max over rounds)"
set ylabel "requests / s"
set yrange [0:*]
set style histogram errorbars gap 1 lw 1
plot "chart-tput.dat" using 2:3:4:xtic(1) title "req/s" lc rgb "#4472c4"
set title "Latency at concurrency 1 (median over rounds)"
set ylabel "microseconds"
set style histogram clustered gap 1
set logscale y
set yrange [10:*]
plot "chart-lat.dat" using 2:xtic(1) title "p50" lc rgb "#70ad47", \
     "" using 3 title "p99" lc rgb "#ed7d31", \
     "" using 4 title "p99.9" lc rgb "#c00000"
unset multiplot
