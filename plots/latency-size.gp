# latency-size.gp: chase latency by working-set size (log2 axis), one line per configuration
# series, with the cache sizes of the host marked: the steps are the cache levels.
# Data (numaharness writes it as charts/latency-size-N.dat), blocks separated by two blank lines:
#   block 0, the caches:  size_bytes "label"
#   blocks 1..: a title line ("policy ..."), then  size_bytes median_ns min_ns max_ns "size"
# Render by hand, in the charts directory (fmt: png or svg; charttitle is optional):
#   gnuplot -e "datafile='latency-size-1.dat'; outfile='latency-size-1.png'; fmt='png'" latency-size.gp
if (!exists("datafile")) datafile = 'latency-size.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'latency-size.' . fmt
if (!exists("charttitle")) charttitle = 'Latency by working-set size (chase)'
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

stats datafile index 1:999 using 1 nooutput
xlo = STATS_min; xhi = STATS_max
stats datafile index 1:999 using 4 nooutput
yhi = STATS_max
stats datafile index 1:999 using 3 nooutput
ylo = STATS_min
set title charttitle font ',14'
set xlabel 'working set (bytes, log2 scale)'
set ylabel 'latency (ns per load)'
set logscale x 2
set xrange [xlo / 1.4:xhi * 1.4]
# Caches and DRAM differ by 100x: a log y axis keeps the cache levels readable.
if (yhi > 20 * ylo) { set logscale y 10; set yrange [ylo / 1.5:yhi * 2]; ybase = ylo / 1.5; ytop = yhi * 2; \
	set ytics add ('2' 2, '5' 5, '20' 20, '50' 50, '200' 200, '500' 500, '2000' 2000, '5000' 5000) } \
else { set yrange [0:yhi * 1.15]; ybase = 0; ytop = yhi * 1.15 }
set grid xtics ytics lc rgb '#e0e0e0'
set key bottom right box opaque Left reverse width 1
set xtics nomirror rotate by 45 right
set ytics nomirror
set border 3
plot datafile index 0 using 1:(ybase):(0):(ytop - ybase) with vectors nohead dt 2 lc rgb '#888888' notitle, \
     '' index 0 using 1:(ytop):2 with labels left offset 0.4,-0.7 tc rgb '#555555' font ',10' notitle, \
     for [i=1:*] datafile index i using 1:2:3:4:xtic(5) with yerrorlines lt i title columnheader(1)
