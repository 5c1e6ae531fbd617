# fleet-histogram.gp: how far every host's figures are from their cohort's median — four narrow
# bars a bin, one per figure (local triad, idle latency, MemTotal, remote/local ratio), host ×
# node counts per 1 % bin on a log scale so that a single outlier still shows, and each figure's
# threshold dashed.
# Data (numaharness fleet writes it as charts/fleet-histogram-N.dat): one row per bin,
#   bin_pct triad latency memtotal ratio thr_triad thr_latency thr_memtotal thr_ratio
# (counts; the thresholds signed, the same on every row).
# Render by hand, in the charts directory (fmt: png or svg; charttitle is optional):
#   gnuplot -e "datafile='fleet-histogram-1.dat'; outfile='fleet-histogram-1.png'; fmt='png'" fleet-histogram.gp
if (!exists("datafile")) datafile = 'fleet-histogram.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'fleet-histogram.' . fmt
if (!exists("charttitle")) charttitle = 'Deviation from the cohort median'
if (fmt eq 'svg') {
	set terminal svg size 1000,600 dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,600 noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile
set linetype 1 lc rgb '#0072b2' lw 2
set linetype 2 lc rgb '#d55e00' lw 2
set linetype 3 lc rgb '#009e73' lw 2
set linetype 4 lc rgb '#cc79a7' lw 2

stats datafile using 1 nooutput
xlo = STATS_min; xhi = STATS_max
top = 1
do for [c=2:5] { stats datafile using c nooutput; top = (STATS_max > top ? STATS_max : top) }
# the thresholds, before any range is set (stats keeps to the ranges)
array thr[4]
do for [c=6:9] { stats datafile using c nooutput; thr[c - 5] = STATS_min }
set title charttitle font ',14'
set xlabel 'deviation from the cohort median (%), 1 % bins'
set ylabel 'hosts × nodes (log scale)'
set logscale y
set yrange [0.7:top * 2]
set xrange [xlo - 1:xhi + 1]
set grid xtics ytics lc rgb '#e6e6e6'
set border 3
set xtics nomirror
set ytics nomirror
set key top left box opaque
do for [i=1:4] {
	set arrow from first thr[i], graph 0 to first thr[i], graph 1 nohead lt i dt 2 lw 1.5
}
# the ratio is bad either way: its threshold on both sides
set arrow from first -thr[4], graph 0 to first -thr[4], graph 1 nohead lt 4 dt 2 lw 1.5
# four bars side by side in each bin; an empty bin is no bar on a log scale
set style fill solid 0.9 noborder
set boxwidth 0.22
plot datafile using ($1 - 0.33):($2 > 0 ? $2 : NaN) with boxes lt 1 title 'local triad', \
     '' using ($1 - 0.11):($3 > 0 ? $3 : NaN) with boxes lt 2 title 'idle latency', \
     '' using ($1 + 0.11):($4 > 0 ? $4 : NaN) with boxes lt 3 title 'MemTotal', \
     '' using ($1 + 0.33):($5 > 0 ? $5 : NaN) with boxes lt 4 title 'remote/local ratio'
