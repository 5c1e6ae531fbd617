# SPDX-License-Identifier: MIT
# lib.sh: what the benchmark scripts share; sourced, not run.

# The median of the numbers on stdin, one per line (the mean of the middle two for an even count).
median() {
	sort -g | awk '{v[NR] = $1}
		END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# The calling script's header comment (from line 2 to `set -e...`) as its usage text.
usage() { sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'; }
