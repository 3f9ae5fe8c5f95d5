#!/usr/bin/env bash
# The test command: installs what is missing, builds with warnings as
# errors, runs every test, then builds again with ASan+UBSan and runs the
# whole suite under the sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc)
scripts/build.sh build
(cd build && ctest --output-on-failure -j "$jobs")

scripts/build.sh build-asan -DVOLUMED_SANITIZE=ON
# Leak checking stays on: tests stop volumed and the gateway with SIGTERM
# and require exit 0, so a leak in them fails the test.
export ASAN_OPTIONS=abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$jobs")

# A short run of every fuzz target from its committed corpus.
FUZZ_SECONDS=${FUZZ_SECONDS:-20} scripts/fuzz.sh
echo "test.sh: all tests passed (plain, ASan+UBSan, fuzz)"
