#!/bin/sh
# SPDX-License-Identifier: MIT
# contrib/ansible is yamllint- and ansible-lint-clean (ansible-lint's production profile, offline:
# nothing is fetched). Exit 77 with the reason where either linter is not installed.
#   lint-ansible.sh SOURCE_DIR
set -eu
cd "$1/contrib/ansible"
for tool in yamllint ansible-lint; do
	command -v "$tool" >/dev/null ||
		{ echo "SKIP: $tool is not installed (.ci/bootstrap --tests installs it)"; exit 77; }
done
status=0
yamllint --strict . || status=1
# Its cache under a temp home, so that runs side by side do not share one.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME=$home ANSIBLE_HOME=$home/.ansible ansible-lint --offline --nocolor --profile production \
	validate.yml roles/numaharness || status=1
exit $status
