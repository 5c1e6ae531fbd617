#!/bin/bash
# SPDX-License-Identifier: MIT
# check-modules.sh SOURCE_DIR: the module graph of harness/ as the code has it.
#  - every module's "uses" (USES and PRIVATE_USES of its nh_module() in harness/NAME/CMakeLists.txt)
#    form a graph without cycles;
#  - every #include "x.h" of a module's files names a header of the module itself or of a module
#    it declares it uses (directly: a header reached only through another module's use is a
#    dependency nobody declared);
#  - workloads/ includes only workload.h and its own headers;
#  - the boundaries of README "Architecture": only script includes lua.h, only sample opens perf
#    events, only run forks (report spawns gnuplot with posix_spawn), only policy makes
#    memory-policy syscalls, only sample asks move_pages where pages are.
# Prints one line per breach and exits 1; exits 0 with a summary line when the tree keeps the rules.
set -euo pipefail
src=${1:?usage: check-modules.sh SOURCE_DIR}
cd "$src/harness"
fail=0
breach() { echo "module rule broken: $*"; fail=1; }

declare -A uses owner
modules=()
for cm in */CMakeLists.txt; do
	mod=${cm%%/*}
	[ "$mod" = cli ] && continue # the program: uses every module
	decl=$(tr '\n' ' ' <"$cm" | grep -o 'nh_module([^)]*)' || true)
	[ -n "$decl" ] || { breach "$cm declares no nh_module()"; continue; }
	name=$(sed -E 's/nh_module\(([a-z_]+).*/\1/' <<<"$decl")
	[ "$name" = "$mod" ] || breach "$cm: module '$name' lives in folder '$mod'"
	deps=$({ grep -oE '\b(USES|PRIVATE_USES)( [a-z_]+)+' <<<"$decl" || true; } |
		sed -E 's/^(USES|PRIVATE_USES) //' | tr '\n' ' ')
	uses[$mod]=" $deps "
	modules+=("$mod")
	for h in "$mod"/*.h; do [ -e "$h" ] && owner[$(basename "$h")]=$mod; done
done
for h in cli/*.h; do owner[$(basename "$h")]=cli; done

# No cycles: tsort names a loop on stderr.
edges=$(for m in "${modules[@]}"; do for d in ${uses[$m]}; do echo "$d $m"; done; echo "$m $m"; done)
if ! loops=$(tsort <<<"$edges" 2>&1 >/dev/null) || [ -n "$loops" ]; then
	breach "the modules' uses form a cycle: $(grep -v '^tsort: -: input contains a loop:' <<<"$loops" | sed 's/^tsort: //' | tr '\n' ' ')"
fi
for m in "${modules[@]}"; do
	for d in ${uses[$m]}; do
		[ -n "${uses[$d]+x}" ] || breach "$m/CMakeLists.txt: uses '$d', which is not a module"
	done
done

# Includes against the declared uses.
for m in "${modules[@]}"; do
	for f in "$m"/*.[ch]; do
		[ -e "$f" ] || continue
		while IFS=: read -r line hdr; do
			o=${owner[$hdr]:-}
			[ -n "$o" ] || continue # a system header, or a generated one
			[ "$o" = "$m" ] && continue
			[[ ${uses[$m]} == *" $o "* ]] ||
				breach "harness/$f:$line includes $hdr (module $o), which $m does not declare it uses"
		done < <(grep -n '^#include "' "$f" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
	done
done
for f in ../workloads/*.[ch]; do
	while IFS=: read -r line hdr; do
		[ "$hdr" = workload.h ] || [ -e "../workloads/$hdr" ] ||
			breach "workloads/$(basename "$f"):$line includes $hdr: workloads see only workload.h"
	done < <(grep -n '^#include "' "$f" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
done

# The boundaries.
only() { # only MODULE DESCRIPTION REGEX
	local allowed=$1 what=$2 re=$3 hit path mod
	while read -r hit; do
		[ -n "$hit" ] || continue
		path=${hit%%:*} # harness/<module>/file or workloads/file
		mod=${path#harness/}
		mod=${mod%%/*}
		[ "$mod" = "$allowed" ] || breach "$path $what (only $allowed may)"
	done < <(grep -rnE "$re" --include='*.c' --include='*.h' . ../workloads |
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' | # comments name calls, they make none
		sed 's#^\./#harness/#; s#^\.\./##' || true)
}
only script "includes lua.h" '^#include <(lua|lauxlib|lualib)\.h>'
only sample "opens perf events" 'syscall\(__NR_perf_event_open|perf_event_open\('
only run "forks" '\b(v?fork)\(\)'
only policy "makes a memory-policy syscall" '(^|[^"a-z_])(set_mempolicy|get_mempolicy|mbind|migrate_pages|set_mempolicy_home_node)\(|SYS_(set_mempolicy|get_mempolicy|mbind|migrate_pages)'
only sample "asks move_pages where pages are" '(^|[^"a-z_])move_pages\(|SYS_move_pages'

if [ "$fail" = 0 ]; then
	echo "module graph ok: ${#modules[@]} modules, no cycle, every include declared"
fi
exit "$fail"
