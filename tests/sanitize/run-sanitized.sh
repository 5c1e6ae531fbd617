#!/bin/bash
# run-sanitized.sh: the sanitizer pass of the suite (ctest label "sanitize").
#   run-sanitized.sh build SOURCE_DIR BUILD_DIR       configure and build the project with
#                                                     NH_SANITIZE=ON (ASan + UBSan) in BUILD_DIR
#   run-sanitized.sh test BUILD_DIR LABEL             run that tree's tests of LABEL (unit, e2e)
# Every sanitizer report fails the pass, including one in a child process (a worker, a spawned
# binary) whose exit status a test might not look at: reports go to log files, and any file
# there after the tests is a failure, printed in full.
set -u

cmd=${1:-}
case $cmd in
build)
	src=$2 dir=$3
	mkdir -p "$dir" || exit 1
	# One build at a time, whoever starts it (two ctest runs, or a rerun beside a running one).
	exec 9>"$dir.lock" && flock -w 1800 9 || { echo "sanitize: cannot lock $dir.lock" >&2; exit 1; }
	cmake -S "$src" -B "$dir" -DNH_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ||
		{ echo "sanitize: configuring $dir failed" >&2; exit 1; }
	cmake --build "$dir" -j"$(nproc)" >"$dir.build.log" 2>&1 ||
		{ tail -n 40 "$dir.build.log" >&2; echo "sanitize: the sanitized build failed" >&2; exit 1; }
	echo "sanitize: built $dir"
	;;
test)
	dir=$2 label=$3
	logs=$(mktemp -d "${TMPDIR:-/tmp}/nh-sanitize-$label.XXXXXX") || exit 1
	trap 'rm -rf "$logs"' EXIT
	# Reports into files (tests that compare stderr stay comparable); halt on the first one;
	# LD_PRELOADed allocators (churn's jemalloc/tcmalloc/mimalloc runs) come before libasan.
	export ASAN_OPTIONS="log_path=$logs/asan:halt_on_error=1:detect_leaks=1:verify_asan_link_order=0:${ASAN_OPTIONS:-}"
	export UBSAN_OPTIONS="log_path=$logs/ubsan:halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
	ctest --test-dir "$dir" -L "^$label\$" --output-on-failure --timeout 900
	status=$?
	reports=$(find "$logs" -type f | sort)
	if [ -n "$reports" ]; then
		for f in $reports; do
			echo "==== sanitizer report: ${f##*/}"
			cat "$f"
		done
		echo "sanitize: $(echo "$reports" | wc -l) sanitizer report(s) during the $label tests" >&2
		exit 1
	fi
	[ $status -eq 0 ] || echo "sanitize: the $label tests failed under ASan + UBSan" >&2
	exit $status
	;;
*)
	echo "usage: run-sanitized.sh build SOURCE_DIR BUILD_DIR | test BUILD_DIR LABEL" >&2
	exit 2
	;;
esac
