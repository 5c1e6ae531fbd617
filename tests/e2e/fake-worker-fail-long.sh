#!/bin/sh
# Stands in for nh-worker: fails with a last stderr line longer than a reason keeps.
printf 'nh-worker: %0300d\n' 0 >&2
exit 1
