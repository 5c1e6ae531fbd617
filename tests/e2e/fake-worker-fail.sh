#!/bin/sh
# Stands in for nh-worker: fails with a message.
echo "nh-worker: disk on fire" >&2
exit 1
