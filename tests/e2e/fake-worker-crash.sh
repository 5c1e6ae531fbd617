#!/bin/sh
# Stands in for nh-worker: dies of SIGSEGV, as a buggy workload would.
echo "about to crash" >&2
kill -SEGV $$
