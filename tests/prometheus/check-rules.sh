#!/bin/sh
# SPDX-License-Identifier: MIT
# check-rules.sh DIR: `promtool check rules` on DIR/numaharness.rules.yml and `promtool test
# rules` on DIR/numaharness.rules.test.yml (each alert on series that fire it and series that
# must not). Exit 77 (skipped) with the reason when promtool is not installed.
set -eu
dir=${1:?usage: check-rules.sh CONTRIB_PROMETHEUS_DIR}
if ! command -v promtool >/dev/null 2>&1; then
	echo "skipped: promtool is not installed (Debian package prometheus; .ci/bootstrap --tests installs it)"
	exit 77
fi
promtool check rules "$dir/numaharness.rules.yml"
# rule_files in the test are relative to it.
cd "$dir"
promtool test rules numaharness.rules.test.yml
