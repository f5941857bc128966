#!/usr/bin/env bash
# The short fuzzing run CI makes: every target for FUZZ_SECONDS (default 20) each; exit 1 on any crash or hang.
exec "$(dirname "$0")/run.sh" "${FUZZ_SECONDS:-20}"
