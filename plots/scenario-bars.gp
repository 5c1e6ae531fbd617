# scenario-bars.gp: a chart a scenario drew with nh.report.chart{style = "bars"} — one group of
# bars per x label, one bar per series, its range (lo-hi) as a capped line when given.
# Data (numaharness writes it as charts/scenario-bars-N.dat from scenario-report.json): a header
# row with the series names, then one row per x label (a missing value is "-"):
#   "label" y1 lo1 hi1 y2 lo2 hi2 ...
# Render by hand, in the charts directory (fmt: png or svg; charttitle, xlabeltext and
# ylabeltext are optional; series is the number of series, 1 when not given):
#   gnuplot -e "datafile='scenario-bars-1.dat'; outfile='scenario-bars-1.png'; fmt='png'; series=2" scenario-bars.gp
if (!exists("datafile")) datafile = 'scenario-bars.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'scenario-bars.' . fmt
if (!exists("charttitle")) charttitle = 'From the scenario'
if (!exists("xlabeltext")) xlabeltext = ''
if (!exists("ylabeltext")) ylabeltext = 'value'
if (fmt eq 'svg') {
	set terminal svg size 1000,600 dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,600 noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile
set datafile missing '-'

if (!exists("series")) series = 1
ymax = 0
ymin = 0
do for [s=1:series] {
	stats datafile using (column(3 * s + 1)) nooutput
	if (STATS_max > ymax) { ymax = STATS_max }
	stats datafile using (column(3 * s - 1)) nooutput
	if (STATS_min < ymin) { ymin = STATS_min }
}
set title charttitle font ',14'
set xlabel xlabeltext
set ylabel ylabeltext
set yrange [ymin * 1.15:ymax * 1.2 + (ymax == 0)]
set grid ytics lc rgb '#dddddd'
set border 3
set xtics nomirror scale 0
set ytics nomirror
set format y '%g'
set key top left box opaque Left reverse width 1
set style data histograms
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by 20 right
set bmargin 7
array C[8] = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#999999']
plot for [s=1:series] datafile using (column(3 * s - 1)):(column(3 * s)):(column(3 * s + 1)):xtic(1) \
	lc rgb C[(s - 1) % 8 + 1] title columnheader(3 * s - 1)
