#!/usr/bin/env bash
# `make run`: Fedra's admission path on loopback, end to end, with the real
# kubectl. Starts a member cluster (fedra-apiserver, the API-server simulator,
# over HTTPS) and fedra-engine (HTTPS, certificate from a CA made here) with
# the policies in examples/member/policies/policies.yaml; registers the engine as the
# cluster's validating webhook; then creates one Pod that the policies allow
# and one they deny, through `kubectl apply`, and prints what happened.
#
# Leaves everything running until Ctrl-C; FEDRA_ONCE=1 exits after the
# demonstration (0 when both Pods were decided as expected).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
bin=$build/bin
work=$(mktemp -d /tmp/fedra-run.XXXXXX)
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT TERM

# The port a server took (it listens on port 0 and logs its address).
served_port() {  # log file
  for _ in $(seq 200); do
    local p
    p=$(grep -o '"addr":"127.0.0.1:[0-9]*"' "$1" 2>/dev/null | head -1 | grep -o '[0-9]*"$' | tr -d '"')
    [[ -n "$p" ]] && { echo "$p"; return 0; }
    sleep 0.05
  done
  echo "run: no address in $1" >&2
  tail -20 "$1" >&2
  return 1
}
wait_ready() {  # url [curl args...]
  local url=$1; shift
  for _ in $(seq 200); do
    curl -sf "$@" "$url" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "run: $url did not come up" >&2
  tail -20 "$work"/*.log >&2 || true
  return 1
}

# The engine's serving certificate, for the service name the webhook uses.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -keyout "$work/ca.key" -out "$work/ca.crt" -subj "/CN=fedra-demo-ca" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=fedra-engine" \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:fedra-engine.fedra-system.svc,DNS:localhost,IP:127.0.0.1\n' >"$work/san.ext"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
  -days 1 -extfile "$work/san.ext" -out "$work/tls.crt" 2>/dev/null

"$bin/fedra-engine" --addr 127.0.0.1:0 --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
  --policy-dir examples/member/policies --watch-interval 500ms >"$work/engine.log" 2>&1 &
pids+=($!)
engine_port=$(served_port "$work/engine.log")
wait_ready "https://127.0.0.1:$engine_port/ready" --cacert "$work/ca.crt"

"$bin/fedra-apiserver" --addr 127.0.0.1:0 --tls --kubeconfig-out "$work/member.kubeconfig" \
  --webhook-service "fedra-system/fedra-engine=127.0.0.1:$engine_port" >"$work/apiserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do [[ -s "$work/member.kubeconfig" ]] && break; sleep 0.05; done
k() { kubectl --kubeconfig "$work/member.kubeconfig" "$@"; }
for _ in $(seq 200); do k get namespaces >/dev/null 2>&1 && break; sleep 0.05; done

echo "== member cluster: $(k config view -o jsonpath='{.clusters[0].cluster.server}')"
echo "== fedra-engine: https://127.0.0.1:$engine_port ($(grep -c '^kind: FederatedPolicy' examples/member/policies/policies.yaml) policies from examples/member)"
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n---\n' fedra-system demo | k apply -f - >/dev/null
sed "s|CA_BUNDLE|$(base64 -w0 "$work/ca.crt")|" examples/member/webhook.yaml.in | k apply -f -

ok=1
echo "== kubectl apply -f examples/member/pod-allowed.yaml"
if k apply -f examples/member/pod-allowed.yaml; then :; else ok=0; fi
echo "== kubectl apply -f examples/member/pod-denied.yaml"
if out=$(k apply -f examples/member/pod-denied.yaml 2>&1); then
  echo "$out"; echo "run: the Pod was admitted, but the policies should have denied it" >&2; ok=0
else
  echo "$out"
  grep -q 'denied the request' <<<"$out" || ok=0
fi
echo "== pods in demo"
k get pods -n demo
echo "== decisions (fedra-engine /metrics)"
curl -s --cacert "$work/ca.crt" "https://127.0.0.1:$engine_port/metrics" |
  grep -E '^fedra_(admission_decisions_total|policy_decisions_total)' || true

if [[ $ok -ne 1 ]]; then
  echo "run: FAILED (logs: engine and apiserver below)" >&2
  tail -20 "$work/engine.log" "$work/apiserver.log" >&2
  exit 1
fi
echo "== OK: one Pod admitted, one denied through the webhook path"
if [[ "${FEDRA_ONCE:-0}" == "1" ]]; then exit 0; fi
echo "Running; try: kubectl --kubeconfig $work/member.kubeconfig apply -f examples/member/pod-denied.yaml"
echo "Edit examples/member/policies/policies.yaml and the engine reloads it. Ctrl-C stops everything."
wait
