#!/usr/bin/env bash
# `make run`: a local federation on loopback, driven with the real kubectl.
#
#   hub      fedra-apiserver (HTTPS): the CRDs, two MemberClusters and the
#            example FederatedPolicies from examples/policies/
#   operator fedra-operator on the hub: compiles, places (with overrides) and
#            serves one bundle per member cluster and tier; rolls engine
#            status up into the FederatedPolicies
#   cloud-1  fedra-apiserver + fedra-engine (HTTPS webhook, tier cloud)
#   edge-1   fedra-apiserver + fedra-engine (HTTPS webhook, tier edge)
# In each member the operator applies the MemberPolicies, issues the
# engine's serving certificate (Secret fedra-system/fedra-engine-tls) and
# registers the ValidatingWebhookConfiguration; the engine serves that
# certificate, as a pod mounting the Secret would.
#
# Then one allowed and one violating Pod go through each member's admission
# path with `kubectl apply`: the cloud cluster denies the violating Pod, the
# edge cluster (where an override makes required-labels Warn) admits it with
# warnings. Prints the decisions and the hub's FederatedPolicy table.
#
# Leaves everything running until Ctrl-C; FEDRA_ONCE=1 exits after the
# demonstration (0 when every decision was as expected).
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
    p=$(grep -o '"addr":"127.0.0.1:[0-9]*"' "$1" 2>/dev/null | head -1 | grep -o '[0-9]*"$' | tr -d '"' || true)
    [[ -n "$p" ]] && { echo "$p"; return 0; }
    sleep 0.05
  done
  echo "run: no address in $1" >&2
  tail -20 "$1" >&2
  return 1
}
wait_file() {  # file
  for _ in $(seq 200); do [[ -s "$1" ]] && return 0; sleep 0.05; done
  echo "run: $1 never appeared" >&2
  return 1
}
k() {  # cluster args...
  local c=$1; shift
  timeout 30 kubectl --kubeconfig "$work/$c.kubeconfig" "$@"
}
wait_ready() {  # kind: until both hub objects of this kind are Ready (bounded: 20 s)
  for _ in $(seq 200); do
    [[ $(k hub get "$1" -o jsonpath='{.items[*].status.conditions[?(@.type=="Ready")].status}') == "True True" ]] &&
      return 0
    sleep 0.1
  done
}
apiserver() {  # name [extra args...]
  local name=$1; shift
  "$bin/fedra-apiserver" --addr 127.0.0.1:0 --tls --kubeconfig-out "$work/$name.kubeconfig" "$@" \
    >"$work/$name-apiserver.log" 2>&1 &
  pids+=($!)
  wait_file "$work/$name.kubeconfig"
  for _ in $(seq 200); do k "$name" get namespaces >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "run: the $name API server did not answer" >&2
  return 1
}

echo "== hub: CRDs, member clusters and policies applied with kubectl"
apiserver hub
k hub apply -f crds/ >/dev/null
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: fedra-system}\n' | k hub apply -f - >/dev/null
k hub apply -f examples/policies/member-clusters.yaml -f examples/policies/required-labels.yaml \
  -f examples/policies/disallow-latest-tag.yaml

"$bin/fedra-operator" --kubeconfig "$work/hub.kubeconfig" --addr 127.0.0.1:0 --resync 500 \
  >"$work/operator.log" 2>&1 &
pids+=($!)
hub_url="http://127.0.0.1:$(served_port "$work/operator.log")"
echo "== fedra-operator serving engines at $hub_url"

for member in cloud-1:cloud edge-1:edge; do
  name=${member%%:*}
  tier=${member##*:}
  # The member's API server sends webhook calls for Service
  # fedra-system/fedra-engine to this loopback port (there is no Service here).
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  apiserver "$name" --webhook-service "fedra-system/fedra-engine=127.0.0.1:$port"
  printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n---\n' fedra-system demo | k "$name" apply -f - >/dev/null
  k "$name" apply -f crds/policy.fedra.io_memberpolicies.yaml >/dev/null
  # The hub reaches the member with the kubeconfig in this Secret.
  k hub create secret generic "$name-kubeconfig" -n fedra-system --from-file=kubeconfig="$work/$name.kubeconfig" \
    --dry-run=client -o yaml | k hub apply -f - >/dev/null
  # The operator issues the engine's serving certificate into the member and
  # registers the webhook; the engine uses the Secret as a pod would mount it.
  for _ in $(seq 200); do
    k "$name" get secret fedra-engine-tls -n fedra-system >/dev/null 2>&1 && break
    sleep 0.05
  done
  for f in tls.crt tls.key ca.crt; do
    k "$name" get secret fedra-engine-tls -n fedra-system -o jsonpath="{.data.${f//./\\.}}" | base64 -d >"$work/$name-$f"
  done
  "$bin/fedra-engine" --addr "127.0.0.1:$port" --tls-cert "$work/$name-tls.crt" --tls-key "$work/$name-tls.key" \
    --bundle-url "$hub_url/bundles/$name/$tier" --status-url "$hub_url/status" --status-interval 500ms \
    --id "$name-engine" --cluster "$name" --tier "$tier" >"$work/$name-engine.log" 2>&1 &
  pids+=($!)
  served_port "$work/$name-engine.log" >/dev/null
  echo "== member $name ($tier): engine https://127.0.0.1:$port with the operator's certificate; webhooks:"
  k "$name" get validatingwebhookconfigurations
done

# Admission goes through once every engine has the policies active.
wait_ready fp

ok=1
for name in cloud-1 edge-1; do
  echo "== $name: kubectl apply -f examples/member/pod-allowed.yaml"
  k "$name" apply -f examples/member/pod-allowed.yaml || ok=0
  echo "== $name: kubectl apply -f examples/member/pod-denied.yaml"
  if out=$(k "$name" apply -f examples/member/pod-denied.yaml 2>&1); then
    echo "$out"
    # At the edge, required-labels is overridden to Warn: admitted with warnings.
    [[ $name == edge-1 ]] && grep -q 'Warning' <<<"$out" || ok=0
  else
    echo "$out"
    [[ $name == cloud-1 ]] && grep -q 'denied the request' <<<"$out" || ok=0
  fi
done

echo "== hub: kubectl get federatedpolicies (after the engines report)"
wait_ready fp
k hub get federatedpolicies
echo "== hub: kubectl get memberclusters"
wait_ready mc
k hub get memberclusters
for name in cloud-1 edge-1; do
  echo "== $name: kubectl get memberpolicies (applied by the operator with server-side apply)"
  k "$name" get memberpolicies
  # Exactly the policies the hub places on this cluster.
  placed=$(k hub get fp -o jsonpath='{range .items[*]}{range .status.clusters[*]}{.name}{"\n"}{end}{end}' | grep -cx "$name")
  [[ $(k "$name" get memberpolicies -o name | wc -l) -eq $placed ]] || ok=0
done
k hub get fp required-labels -o jsonpath='{range .status.clusters[*]}{.name}{"\t"}{.tier}{"\t"}{.phase}{"\tengines "}{.engines.ready}{"/"}{.engines.total}{"\tsync "}{.lastSyncLatencyMillis}{" ms\n"}{end}'

if [[ $ok -ne 1 ]]; then
  echo "run: FAILED (logs below)" >&2
  tail -n 20 "$work"/*.log >&2
  exit 1
fi
echo "== OK: cloud-1 denied the violating Pod, edge-1 admitted it with warnings, both admitted the compliant one"
if [[ "${FEDRA_ONCE:-0}" == "1" ]]; then exit 0; fi
echo "Running. Hub: kubectl --kubeconfig $work/hub.kubeconfig get fp"
echo "Members: kubectl --kubeconfig $work/cloud-1.kubeconfig ... (and edge-1). Ctrl-C stops everything."
wait
