#!/usr/bin/env bash
# run-fuzzer.sh: the ctest tests of label fuzz — build the libFuzzer targets of tests/fuzz in a
# clang tree, or run one fuzzer for a bounded time over a copy of its seeds and regressions.
#
#   run-fuzzer.sh build SOURCE_DIR BUILD_DIR [CMAKE [GENERATOR]]
#   run-fuzzer.sh run FUZZER SECONDS CORPUS_DIR REGRESSIONS_DIR [KEEP_DIR]
#
# Exit 0: built / no crash; 1: build failure, or a crash, leak, timeout or sanitizer report
# (the inputs are kept in KEEP_DIR); 77: skipped (no clang or no libFuzzer runtime), with why.
set -u

skip() {
	echo "SKIPPED: $*"
	exit 77
}

die() {
	echo "FAILED: $*"
	exit 1
}

# Can clang link a libFuzzer program? (Debian: the runtime is in libclang-rt-NN-dev.)
probe_clang() {
	command -v clang >/dev/null 2>&1 || skip "no clang on PATH (Debian: apt-get install clang)"
	local dir
	dir=$(mktemp -d "${TMPDIR:-/tmp}/nh-fuzz-probe.XXXXXX") || die "mktemp failed"
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' >"$dir/probe.c"
	if ! clang -fsanitize=fuzzer,address,undefined "$dir/probe.c" -o "$dir/probe" \
		>"$dir/log" 2>&1; then
		local why
		why=$(head -n 3 "$dir/log" | tr '\n' ' ')
		rm -rf "$dir"
		skip "clang cannot link -fsanitize=fuzzer (Debian: apt-get install" \
			"libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev): $why"
	fi
	rm -rf "$dir"
}

build() {
	local src=$1 bin=$2 cmake=${3:-cmake} generator=${4:-}
	probe_clang
	mkdir -p "$bin" || die "cannot make $bin"
	# Two ctest processes may start this at once: one builds, the other waits and finds it done.
	exec 9>"$bin.lock" || die "cannot open $bin.lock"
	if command -v flock >/dev/null 2>&1; then
		flock 9 || die "cannot lock $bin.lock"
	fi
	local -a gen=()
	[[ -n $generator && ! -f $bin/CMakeCache.txt ]] && gen=(-G "$generator")
	if ! CC=clang "$cmake" -S "$src" -B "$bin" "${gen[@]}" -DNH_FUZZ=ON \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo >"$bin/configure.log" 2>&1; then
		tail -n 30 "$bin/configure.log"
		die "configuring the fuzz build in $bin (log: $bin/configure.log)"
	fi
	if ! "$cmake" --build "$bin" --target nh_fuzz_all -j2 >"$bin/build.log" 2>&1; then
		grep -E 'error|Error' "$bin/build.log" | head -n 30
		die "building nh_fuzz_all in $bin (log: $bin/build.log)"
	fi
	echo "fuzzers built in $bin/tests/fuzz"
}

run() {
	local fuzzer=$1 seconds=$2 corpus=$3 regressions=$4 keep=${5:-}
	local name
	name=$(basename "$fuzzer")
	[[ -x $fuzzer ]] || skip "$fuzzer is not built (see the test fuzz.build)"
	[[ -d $corpus ]] || die "no seed corpus $corpus"
	# Global, not local: the EXIT trap runs after this function has returned.
	work=$(mktemp -d "${TMPDIR:-/tmp}/nh-$name.XXXXXX") || die "mktemp failed"
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/corpus" "$work/regressions" "$work/artifacts" "$work/tmp"
	# Copies: libFuzzer adds what it finds to its first corpus directory, never to the repo.
	cp -R "$corpus/." "$work/corpus/" || die "copying $corpus"
	if [[ -d $regressions ]]; then
		cp -R "$regressions/." "$work/regressions/" || die "copying $regressions"
	fi
	local seeds
	seeds=$(find "$work/corpus" "$work/regressions" -type f | wc -l)
	# TMPDIR: the targets' scratch directories go with the rest of $work.
	TMPDIR="$work/tmp" UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}" \
		"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" \
		"$work/corpus" "$work/regressions" >"$work/log" 2>&1
	local rc=$?
	local artifacts
	artifacts=$(find "$work/artifacts" -type f | wc -l)
	local report
	report=$(grep -E -m 1 'ERROR: (AddressSanitizer|LeakSanitizer|MemorySanitizer|libFuzzer)|runtime error:|SUMMARY: [A-Za-z]*Sanitizer' "$work/log")
	if ((rc != 0 || artifacts > 0)) || [[ -n $report ]]; then
		tail -n 80 "$work/log"
		if [[ -n $keep ]] && ((artifacts > 0)); then
			mkdir -p "$keep" && cp "$work/artifacts/"* "$keep/" &&
				echo "crash inputs kept in $keep:" && ls -l "$keep"
		fi
		die "$name: exit status $rc, ${report:-no report line}"
	fi
	local execs
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	grep -E '^(stat::|Done )' "$work/log"
	echo "$name: ${execs:-?} executions in ${seconds} s from $seeds seeds and regressions, no crash"
}

case ${1:-} in
build) (($# >= 3)) || die "usage: $0 build SOURCE_DIR BUILD_DIR [CMAKE [GENERATOR]]"
	shift; build "$@" ;;
run) (($# >= 5)) || die "usage: $0 run FUZZER SECONDS CORPUS_DIR REGRESSIONS_DIR [KEEP_DIR]"
	shift; run "$@" ;;
*) die "usage: $0 build|run ..." ;;
esac
