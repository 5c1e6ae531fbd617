# bandwidth.gp: STREAM triad bandwidth per policy, a bar at the median with the min-max range.
# Data (numaharness writes it as charts/bandwidth-N.dat): one row per configuration,
#   index "policy" median_MBps min_MBps max_MBps n
# Render by hand, in the charts directory (fmt: png or svg; charttitle is optional):
#   gnuplot -e "datafile='bandwidth-1.dat'; outfile='bandwidth-1.png'; fmt='png'" bandwidth.gp
if (!exists("datafile")) datafile = 'bandwidth.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'bandwidth.' . fmt
if (!exists("charttitle")) charttitle = 'STREAM triad bandwidth by policy'
if (fmt eq 'svg') {
	set terminal svg size 1000,600 dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,600 noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile

stats datafile using 5 nooutput
bars = STATS_records
top = STATS_max
set title charttitle font ',14'
set ylabel 'triad bandwidth (MB/s = 10^6 B/s)'
set xlabel 'policy'
set yrange [0:top * 1.3]
# A lone bar would fill the chart: keep room for at least four.
pad = bars < 4 ? (4 - bars) / 2.0 : 0
set xrange [-0.6 - pad:bars - 0.4 + pad]
set grid ytics lc rgb '#dddddd'
set border 3
set xtics nomirror scale 0
set ytics nomirror
set format y '%.0f'
set key inside top center horizontal
set boxwidth 0.6
set style fill solid 0.85 border rgb '#2b5d8a'
# Long policy names ("cpunodebind=0 membind=1") collide when they do not fit side by side (about
# 95 characters across): slant them.
stats datafile using (strlen(stringcolumn(2))) nooutput
longest = STATS_max
if (bars * (longest + 2) > 95) { set xtics rotate by 25 right; set bmargin 8; set lmargin longest * 0.75 }
# The range as a capped vector: errorbars would punch a hole around a point at the median.
plot datafile using 1:3:xtic(2) with boxes lc rgb '#4a90c8' title 'median', \
     '' using 1:4:(0):($5 - $4) with vectors heads size screen 0.008,90 lc rgb '#222222' lw 1.5 title 'min - max', \
     '' using 1:5:(sprintf('%.0f', $3)) with labels offset 0,0.8 font ',11' notitle
