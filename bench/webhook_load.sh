#!/usr/bin/env bash
# Webhook benchmark: fedra-engine over HTTPS (keep-alive) on loopback with
# the 10 policies in bench/webhook/policies, driven by `fedra load` at a
# constant 1,000 and 5,000 requests/s and then as fast as it goes. The
# engine runs on core 0 with one I/O thread, the load generator on core 1.
# Also prints the engine's RSS with 10 and with 100 policies and the
# stripped binary size. Every run is bounded by --duration.
#
#   bench/webhook_load.sh [BUILD_DIR] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${2:-10s}
engine_bin=$build/bin/fedra-engine
fedra_bin=$build/bin/fedra
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -keyout "$tmp/tls.key" -out "$tmp/tls.crt" -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost 2>/dev/null

start_engine() {  # policy dir -> sets port and pid
  : >"$tmp/engine.log"
  taskset -c 0 "$engine_bin" --addr 127.0.0.1:0 --tls-cert "$tmp/tls.crt" --tls-key "$tmp/tls.key" \
    --policy-dir "$1" --threads 1 >"$tmp/engine.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    port=$(grep -o '"addr":"127.0.0.1:[0-9]*"' "$tmp/engine.log" | head -1 | grep -o '[0-9]*"$' | tr -d '"' || true)
    [[ -n "$port" ]] && curl -sk "https://127.0.0.1:$port/ready" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "engine did not start:"; cat "$tmp/engine.log"; exit 1
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

load() {  # rps
  taskset -c 1 "$fedra_bin" load --url "https://127.0.0.1:$port/v1/admit" --ca "$tmp/tls.crt" \
    --body bench/webhook/review.json --rps "$1" --duration "$duration" --warmup 1s \
    --connections "${2:-8}" --format json
}

start_engine bench/webhook/policies
echo "== /v1/admit over HTTPS, 10 policies, 1.7 KB AdmissionReview"
for rps in 1000 5000; do
  echo "rate $rps/s: $(load $rps)"
done
echo "saturation (8 connections, closed loop): $(load 0 8)"
echo "engine RSS after the runs, 10 policies: $(rss_kb "$pid") KB"
kill "$pid"; wait "$pid" 2>/dev/null || true

# 100 policies: the ten above, ten times over under different names and packages.
mkdir -p "$tmp/p100"
for i in $(seq 0 9); do
  sed -e "s/\"name\": \"\\([a-z-]*\\)\"}/\"name\": \"\\1-$i\"}/" -e "s/package bench\\./package bench$i./g" \
    bench/webhook/policies/policies.yaml >"$tmp/p100/policies-$i.yaml"
done
start_engine "$tmp/p100"
taskset -c 1 "$fedra_bin" load --url "https://127.0.0.1:$port/v1/admit" --ca "$tmp/tls.crt" \
  --body bench/webhook/review.json --rps 0 --duration 2s --warmup 0s --connections 2 --format json >/dev/null
policies=$(curl -sk "https://127.0.0.1:$port/metrics" | awk '/^fedra_policies_loaded/ {print $2}')
echo "engine RSS with $policies policies after 2 s of load: $(rss_kb "$pid") KB"

strip -o "$tmp/fedra-engine.stripped" "$engine_bin"
echo "fedra-engine stripped: $(stat -c %s "$tmp/fedra-engine.stripped") bytes (dynamically linked: $(ldd "$engine_bin" | wc -l) libraries)"
