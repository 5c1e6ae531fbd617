# forecast.gp: one run's memory layer over time (its series CSV), the trend the forecast fitted
# (Theil–Sen; for a sawtooth, the trend of its troughs) carried on to where it meets the limit,
# and the limit (the cgroup's, or the capacity of the node it fills) — MiB.
# Data (numaharness writes it as charts/forecast-N.dat): a header line of column titles, then
#   t_s value_MiB trend_MiB limit_MiB   ("?" = none there)
# Render by hand, in the charts directory (fmt: png or svg; charttitle, ylabeltext optional):
#   gnuplot -e "datafile='forecast-1.dat'; outfile='forecast-1.png'; fmt='png'" forecast.gp
if (!exists("datafile")) datafile = 'forecast.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'forecast.' . fmt
if (!exists("charttitle")) charttitle = 'Forecast'
if (!exists("ylabeltext")) ylabeltext = 'MiB'
if (fmt eq 'svg') {
	set terminal svg size 1000,600 dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,600 noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile
set datafile missing '?'
set title charttitle font ',14'
set xlabel 'time since the worker started (s)'
set ylabel ylabeltext
set yrange [0:*]
set autoscale xfix
set grid xtics ytics lc rgb '#e0e0e0'
set border 3
set xtics nomirror
set ytics nomirror
set format y '%g'
set key below horizontal spacing 1.2
set bmargin 6
plot datafile using 1:2 with points pt 7 ps 0.5 lc rgb '#0072b2' title columnheader(2), \
     '' using 1:3 with lines lw 2 dt 2 lc rgb '#d55e00' title columnheader(3), \
     '' using 1:4 with lines lw 2 lc rgb '#000000' title columnheader(4)
