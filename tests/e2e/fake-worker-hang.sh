#!/bin/sh
# Stands in for nh-worker: hangs.
exec sleep 600
