# scaling.gp: a workload's headline metric against its thread count, one line per configuration
# series, a point at the median with the min-max range.
# Data (numaharness writes it as charts/scaling-N.dat), blocks separated by two blank lines,
# each a title line ("stream triad (MB/s), default") then rows sorted by threads:
#   threads median min max n
# Render by hand, in the charts directory (fmt: png or svg; charttitle and ylabeltext are
# optional):
#   gnuplot -e "datafile='scaling-1.dat'; outfile='scaling-1.png'; fmt='png'" scaling.gp
if (!exists("datafile")) datafile = 'scaling.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'scaling.' . fmt
if (!exists("charttitle")) charttitle = 'Scaling with threads'
if (!exists("ylabeltext")) ylabeltext = 'median of the headline metric'
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

stats datafile using 1 nooutput
xhi = STATS_max
stats datafile using 4 nooutput
yhi = STATS_max
set title charttitle font ',14'
set xlabel 'threads'
set ylabel ylabeltext
set xrange [0:xhi + 1]
set yrange [0:yhi * 1.15]
set grid xtics ytics lc rgb '#e0e0e0'
set border 3
set xtics 1 nomirror
if (xhi > 16) { set xtics autofreq }
set ytics nomirror
set format y '%g'
set key top left box opaque Left reverse width 1
plot for [i=0:*] datafile index i using 1:2:3:4 with yerrorlines lt i + 1 title columnheader(1)
