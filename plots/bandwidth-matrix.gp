# bandwidth-matrix.gp: STREAM triad bandwidth (MB/s) from every CPU node (rows) to every memory node (columns), as a heatmap
# with the values printed; a cell without data is left blank.
# Data (numaharness writes it as charts/bandwidth-matrix-N.dat): one row per cell, the median triad of stream
# runs under "cpunodebind=CPU membind=MEM",
#   mem_node cpu_node median min max n
# Render by hand, in the charts directory (fmt: png or svg; charttitle is optional):
#   gnuplot -e "datafile='bandwidth-matrix-1.dat'; outfile='bandwidth-matrix-1.png'; fmt='png'" bandwidth-matrix.gp
if (!exists("datafile")) datafile = 'bandwidth-matrix.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'bandwidth-matrix.' . fmt
if (!exists("charttitle")) charttitle = 'STREAM triad bandwidth by CPU node and memory node'
if (fmt eq 'svg') {
	set terminal svg size 1000,600 dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,600 noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile

stats datafile using 1 nooutput
xlo = STATS_min; xhi = STATS_max
stats datafile using 2 nooutput
ylo = STATS_min; yhi = STATS_max
stats datafile using 3 nooutput
vlo = STATS_min; vhi = STATS_max
set title charttitle font ',14'
set xlabel 'memory node'
set ylabel 'CPU node'
set cblabel 'triad MB/s' offset 1.5,0
set xrange [xlo - 0.5:xhi + 0.5]
# Row 0 on top, as the CLI prints the table.
set yrange [yhi + 0.5:ylo - 0.5]
set xtics 1 scale 0
set ytics 1 scale 0
set x2tics 1 scale 0 format ''
set size ratio -1
set palette defined (0 '#fff7bc', 1 '#fec44f', 2 '#f47b3f')
# One cell alone has no range to colour: give it one.
if (vhi > vlo) { set cbrange [vlo:vhi] } else { set cbrange [vlo * 0.9:vhi * 1.1 + 1] }
set format cb '%g'
plot datafile using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder lc palette notitle, \
     '' using 1:2:(sprintf('%.0f', $3)) with labels font ',15' notitle
