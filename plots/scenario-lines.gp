# scenario-lines.gp: a chart a scenario drew with nh.report.chart{style = "lines"} — one line per
# series, a point at each value with its range (lo-hi) when the scenario gave one.
# Data (numaharness writes it as charts/scenario-lines-N.dat from scenario-report.json), blocks
# separated by two blank lines, each a title line (the series name) then rows sorted by x:
#   x y lo hi
# Render by hand, in the charts directory (fmt: png or svg; charttitle, xlabeltext and
# ylabeltext are optional):
#   gnuplot -e "datafile='scenario-lines-1.dat'; outfile='scenario-lines-1.png'; fmt='png'" scenario-lines.gp
if (!exists("datafile")) datafile = 'scenario-lines.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'scenario-lines.' . fmt
if (!exists("charttitle")) charttitle = 'From the scenario'
if (!exists("xlabeltext")) xlabeltext = 'x'
if (!exists("ylabeltext")) ylabeltext = 'y'
if (fmt eq 'svg') {
	set terminal svg size 1000,600 dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,600 noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile
set linetype 1 lc rgb '#0072b2' lw 2 pt 7 ps 0.9
set linetype 2 lc rgb '#d55e00' lw 2 pt 5 ps 0.9
set linetype 3 lc rgb '#009e73' lw 2 pt 9 ps 1.1
set linetype 4 lc rgb '#cc79a7' lw 2 pt 11 ps 1.1
set linetype 5 lc rgb '#e69f00' lw 2 pt 13 ps 1.1
set linetype 6 lc rgb '#56b4e9' lw 2 pt 7 ps 0.9
set linetype 7 lc rgb '#000000' lw 2 pt 5 ps 0.9
set linetype 8 lc rgb '#999999' lw 2 pt 9 ps 1.1
set linetype cycle 8

stats datafile using 4 nooutput
yhi = STATS_max
ylo = STATS_min
set title charttitle font ',14'
set xlabel xlabeltext
set ylabel ylabeltext
# From 0 when every value is positive (the usual: bandwidth, latency), else around the data.
if (ylo >= 0) { set yrange [0:yhi * 1.15 + (yhi == 0)] } else { set autoscale y }
set offsets graph 0.03, graph 0.03, 0, 0
set grid xtics ytics lc rgb '#e0e0e0'
set border 3
set xtics nomirror
set ytics nomirror
set format y '%g'
set key top left box opaque Left reverse width 1
plot for [i=0:*] datafile index i using 1:2:3:4 with yerrorlines lt i + 1 title columnheader(1)
