# compare.gp: a candidate results directory against its baseline — per configuration and metric
# the change of the median (%), with its bootstrap interval as an error bar; red a regression,
# green an improvement, amber a significant change of a metric without a better direction, grey
# none (or too few runs to tell).
# Data (numaharness writes it as charts/compare-N.dat from compare.json): one row per metric,
#   index "configuration metric" change_pct ci_lo_pct ci_hi_pct colour(0xRRGGBB) "verdict"
# Render by hand, in the charts directory (fmt: png or svg; charttitle is optional):
#   gnuplot -e "datafile='compare-1.dat'; outfile='compare-1.png'; fmt='png'" compare.gp
if (!exists("datafile")) datafile = 'compare.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'compare.' . fmt
if (!exists("charttitle")) charttitle = 'Candidate against baseline: change of the median'

# One row per metric: the picture grows with the rows so the labels never overlap.
stats datafile using 1 nooutput
rows = STATS_records
stats datafile using 4 nooutput
lo = STATS_min < 0 ? STATS_min : 0
stats datafile using 5 nooutput
hi = STATS_max > 0 ? STATS_max : 0
height = 160 + 26 * rows
if (height < 400) height = 400
if (fmt eq 'svg') {
	set terminal svg size 1000,height dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,height noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile

span = hi - lo > 0 ? hi - lo : 1
# The wide left margin holds the labels: pull the title back over the whole picture.
set title charttitle font ',14' offset -22,0
set xlabel 'candidate median against the baseline median (%)'
set xrange [lo - 0.1 * span:hi + 0.1 * span]
set yrange [rows - 0.5:-0.5]
set ytics scale 0 font ',10'
set xtics nomirror
set grid xtics lc rgb '#e0e0e0'
set yzeroaxis lt -1 lw 1.5
set border 1
set lmargin 50
set format x '%+g'
unset key
# The colours' legend as a line of coloured words under the axis (a key would not fit one row).
set bmargin 6
set label 11 'regression' at character 4, character 1.2 tc rgb '#d62728' font ',11'
set label 12 'improvement' at character 17, character 1.2 tc rgb '#2ca02c' font ',11'
set label 13 'changed (no better direction)' at character 31, character 1.2 tc rgb '#e08800' font ',11'
set label 14 'same, or too few runs' at character 63, character 1.2 tc rgb '#808080' font ',11'
plot datafile using ($3 / 2):1:(abs($3) / 2):(0.32):6:ytic(2) with boxxyerror fs solid 0.85 lc rgb variable notitle, \
     '' using 3:1:4:5 with xerrorbars lc rgb '#333333' pt -1 lw 1.2 notitle
