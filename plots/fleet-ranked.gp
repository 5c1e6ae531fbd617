# fleet-ranked.gp: one figure of every host of a cohort, ranked worst first, as its deviation from
# the cohort's reference median (the host's worst node), with the practical threshold: the zone
# past it shaded, the outliers in red, the worst of them named.
# Data (numaharness fleet writes it as charts/fleet-ranked-N.dat): one row per host, ranked,
#   rank deviation_pct flagged threshold_pct "label"
# flagged: 1 when the host is an outlier on this figure; threshold_pct: signed (-15: 15 % low is
# bad, the same on every row); label: the host's name for the worst outliers, else "".
# Render by hand, in the charts directory (fmt: png or svg; charttitle and ylabeltext optional):
#   gnuplot -e "datafile='fleet-ranked-1.dat'; outfile='fleet-ranked-1.png'; fmt='png'" fleet-ranked.gp
if (!exists("datafile")) datafile = 'fleet-ranked.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'fleet-ranked.' . fmt
if (!exists("charttitle")) charttitle = 'Hosts ranked by their deviation from the cohort median'
if (!exists("ylabeltext")) ylabeltext = 'deviation from the cohort median (%)'
if (fmt eq 'svg') {
	set terminal svg size 1000,600 dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,600 noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile

stats datafile using 2 nooutput
ylo = STATS_min; yhi = STATS_max; hosts = STATS_records
stats datafile using 4 nooutput
thr = STATS_min
lo = (ylo < thr ? ylo : thr); lo = (lo < 0 ? lo : 0)
hi = (yhi > thr ? yhi : thr); hi = (hi > 0 ? hi : 0)
set title charttitle font ',14'
set xlabel sprintf('hosts, ranked (%d)', hosts)
set ylabel ylabeltext
set yrange [lo - 3:hi + 3]
set xrange [0:hosts + 1 + hosts * 0.12]
set grid ytics lc rgb '#e6e6e6'
set border 3
set xtics nomirror
set ytics nomirror
set format y '%g'
# The zone past the threshold, the cohort median (0) and the threshold itself.
if (thr < 0) { set object 1 rect from graph 0, graph 0 to graph 1, first thr fc rgb '#fde0dd' fs solid 1.0 noborder behind } else { set object 1 rect from graph 0, first thr to graph 1, graph 1 fc rgb '#fde0dd' fs solid 1.0 noborder behind }
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead lc rgb '#333333' lw 1.5
set arrow 2 from graph 0, first thr to graph 1, first thr nohead lc rgb '#d7301f' lw 1.5 dt 2
set label 1 sprintf('threshold %g %%', thr) at graph 0.99, first thr right offset 0,(thr < 0 ? -0.8 : 0.8) tc rgb '#d7301f' font ',11'
set label 2 'cohort median' at graph 0.99, first 0 right offset 0,0.8 tc rgb '#333333' font ',11'
set key top left box opaque
# thousands of hosts stay readable: small points for the many, large ones for the few outliers
plot datafile using 1:($3 == 0 ? $2 : NaN) with points pt 7 ps 0.45 lc rgb '#4a90c8' title 'host', \
     '' using 1:($3 == 1 ? $2 : NaN) with points pt 7 ps 1.0 lc rgb '#d7301f' title 'outlier', \
     '' using 1:($3 == 1 ? $2 : NaN):5 with labels left offset 0.8,0 font ',10' tc rgb '#a50f15' notitle
