#!/usr/bin/env bash
# Installs everything volumed needs to build, test, run and benchmark on
# Debian 12, and nothing else. Safe to run again: apt skips what is there.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libgrpc-dev protobuf-c-compiler libprotobuf-c-dev protobuf-compiler protobuf-compiler-grpc grpc-proto
  libprotobuf-dev  # google/protobuf/*.proto, the well-known types proto/ imports
  libpq-dev uuid-dev libmicrohttpd-dev libjansson-dev
  # run: Postgres (server, client, contrib modules btree_gist and pg_trgm)
  postgresql postgresql-contrib
  # tests: an independent gRPC client, an HTTP client library, fuzzing
  python3 python3-grpcio python3-protobuf libcurl4-openssl-dev curl clang libclang-rt-14-dev
  python3-yaml  # tests: tests/cli/check_docker.py parses docker/docker-compose.yml
  # files volumes are made of
  e2fsprogs qemu-utils
  # benchmarks
  nghttp2-client wrk
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
