#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS
# (default 30), starting from its committed corpus. New inputs go to a
# scratch directory, not into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
CC=clang scripts/build.sh build-fuzz -DVOLUMED_FUZZ=ON -DVOLUMED_WERROR=ON
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for corpus in tests/fuzz/corpus/*/; do
  name=$(basename "$corpus")
  bin=$(find build-fuzz -type f -name "$name" -perm -u+x | head -n 1)
  if [ -z "$bin" ]; then
    echo "fuzz.sh: no binary for $name" >&2
    status=1
    continue
  fi
  mkdir -p "$scratch/$name"
  echo "fuzz.sh: $name for ${seconds}s"
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$scratch/$name-" "$scratch/$name" "$corpus"; then
    echo "fuzz.sh: $name found a crash:" >&2
    ls "$scratch/$name-"* >&2 || true
    status=1
  fi
done
exit $status
