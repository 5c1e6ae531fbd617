# timeseries.gp: one run's memory over time from its series CSV — RSS, its file-backed part, the
# cgroup's page cache and the pages on each NUMA node (MiB). Gaps in a line are samples the
# series skipped to stay within its CPU budget.
# Data (numaharness writes it as charts/timeseries-N.dat): a header line of column titles, then
#   t_s rss_MiB file_rss_MiB cgroup_file_MiB node0_MiB node1_MiB ...   ("?" = not sampled)
# Render by hand, in the charts directory (fmt: png or svg; charttitle is optional):
#   gnuplot -e "datafile='timeseries-1.dat'; outfile='timeseries-1.png'; fmt='png'" timeseries.gp
if (!exists("datafile")) datafile = 'timeseries.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'timeseries.' . fmt
if (!exists("charttitle")) charttitle = 'Memory over time'
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

set datafile missing '?'
set title charttitle font ',14'
set xlabel 'time since the worker started (s)'
set ylabel 'MiB'
set yrange [0:*]
set autoscale xfix
set grid xtics ytics lc rgb '#e0e0e0'
set border 3
set xtics nomirror
set ytics nomirror
set format y '%g'
set key below horizontal spacing 1.2
set bmargin 6
plot for [c=2:*] datafile using 1:c with linespoints lt c - 1 ps 0.7 title columnheader(c)
