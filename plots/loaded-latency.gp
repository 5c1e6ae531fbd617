# loaded-latency.gp: chase latency against the memory bandwidth its load threads generate —
# one point per throttle setting (labelled with it), one line per configuration series.
# Data (numaharness writes it as charts/loaded-latency-N.dat), blocks separated by two blank
# lines, each a title line ("load=read ...") then rows sorted by bandwidth:
#   load_MBps ns_per_load ns_min ns_max "throttle"   (medians over the runs; min/max of ns)
# Lines alternate their point labels above and below, so neighbouring lines do not collide.
# Render by hand, in the charts directory (fmt: png or svg; charttitle is optional):
#   gnuplot -e "datafile='loaded-latency-1.dat'; outfile='loaded-latency-1.png'; fmt='png'" loaded-latency.gp
if (!exists("datafile")) datafile = 'loaded-latency.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'loaded-latency.' . fmt
if (!exists("charttitle")) charttitle = 'Loaded latency: chase latency against load bandwidth'
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
set xlabel 'bandwidth of the load threads (MB/s = 10^6 B/s)'
set ylabel 'chase latency (ns per load)'
set xrange [-xhi * 0.02:xhi * 1.1]
set yrange [0:yhi * 1.15]
set grid xtics ytics lc rgb '#e0e0e0'
set border 3
set xtics nomirror
set ytics nomirror
set format x '%.0f'
set key top right box opaque Left reverse width 1 title 'load (point labels: throttle)'
plot for [i=0:*] datafile index i using 1:2:3:4 with yerrorlines lt i + 1 title columnheader(1), \
     for [i=0:*] datafile index i using 1:2:5 with labels left offset 0.5,(i % 2 ? 1.1 : -1.1) font ',9' tc lt i + 1 notitle
