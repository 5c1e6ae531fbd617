# fleet-heatmap.gp: the hosts furthest from their cohort, one row each (worst on top), one column
# per node and figure, coloured by how far the figure is in its bad direction (0: within or
# better; blank: not measured or not compared). However many hosts the fleet has, only the worst
# rows are drawn, so it stays readable at thousands.
# Data (numaharness fleet writes it as charts/fleet-heatmap-N.dat): a matrix with headers,
#   "host" "n0 triad" "n0 latency" "n0 MemTotal" "n0 ratio" "n1 triad" ...
#   "host-0042" 0 0 0 0 15.2 0 8.3 0 ...
# Render by hand, in the charts directory (fmt: png or svg; charttitle optional; series: the
# number of rows, for the height):
#   gnuplot -e "datafile='fleet-heatmap-1.dat'; outfile='fleet-heatmap-1.png'; fmt='png'; series=40" fleet-heatmap.gp
if (!exists("datafile")) datafile = 'fleet-heatmap.dat'
if (!exists("fmt")) fmt = 'png'
if (!exists("outfile")) outfile = 'fleet-heatmap.' . fmt
if (!exists("charttitle")) charttitle = 'The hosts furthest from their cohort'
if (!exists("series")) series = 40
height = 220 + 20 * series
if (fmt eq 'svg') {
	set terminal svg size 1000,height dynamic noenhanced font 'DejaVu Sans,13' background rgb 'white'
} else {
	set terminal pngcairo size 1000,height noenhanced font 'DejaVu Sans,12' background rgb 'white'
}
set output outfile
set title charttitle font ',14'
set cblabel 'deviation in the bad direction (%)' offset 1,0
set cbrange [0:30]
set palette defined (0 '#ffffff', 2 '#fff7bc', 10 '#fec44f', 20 '#f03b20', 30 '#99000d')
set xtics rotate by 35 right scale 0 font ',11'
set ytics scale 0 font ',11'
set yrange [series - 0.5:-0.5]
set datafile missing 'NaN'
set bmargin 7
set lmargin 16
unset key
plot datafile matrix rowheaders columnheaders using 1:2:3 with image, \
     '' matrix rowheaders columnheaders using 1:2:($3 >= 1 ? sprintf('%.0f', $3) : '') with labels font ',10'
