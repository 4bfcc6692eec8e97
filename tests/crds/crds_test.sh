#!/usr/bin/env bash
# crds/*.yaml and examples/policies/*.yaml with the installed kubectl against
# fedra-apiserver.
# usage: crds_test.sh FEDRA_APISERVER KUBECTL
# Every kubectl call is bounded by `timeout`; every wait polls with a bound.
set -u
APISERVER=${1:?usage: crds_test.sh FEDRA_APISERVER KUBECTL}
KUBECTL_BIN=${2:-kubectl}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/fedra-crds-XXXXXX)
export HOME=$WORK  # kubectl's discovery cache stays in the temp dir
SERVER_PID=""
FAILURES=0
CHECKS=0

cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# fail, pass, k, expect_out, expect_err, poll
source "$(cd "$(dirname "$0")/../util" && pwd)/checks.sh"

"$APISERVER" --addr 127.0.0.1:0 --tls --kubeconfig-out "$WORK/kubeconfig" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  grep -q "serving on" "$WORK/server.log" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q "serving on" "$WORK/server.log" || { echo "fedra-apiserver did not start:"; cat "$WORK/server.log"; exit 1; }

# The CRDs.
expect_out "apply crds/" "customresourcedefinition.apiextensions.k8s.io/federatedpolicies.policy.fedra.io created" \
  k apply -f "$ROOT/crds/"
poll "FederatedPolicy is served" k get federatedpolicies
expect_out "short name fp" "No resources found" k get fp
expect_out "short name mc" "No resources found" k get mc
expect_out "short name mp" "No resources found" k get mp
expect_out "api-resources lists the group" "memberpolicies" k api-resources --api-group=policy.fedra.io
expect_out "the kinds are cluster-scoped" "false" k api-resources --api-group=policy.fedra.io --namespaced=false -o wide

# The examples.
expect_out "apply examples/policies/" "federatedpolicy.policy.fedra.io/required-labels created" \
  k apply -f "$ROOT/examples/policies/"
expect_out "the fedra category lists every kind" "membercluster.policy.fedra.io/edge-1" k get fedra -o name
expect_out "the fedra category lists policies" "federatedpolicy.policy.fedra.io/ns-must-have-owner" k get fedra -o name
expect_out "printer columns" "ENFORCEMENT" k get fp
expect_out "printer columns for clusters" "LAST HEARTBEAT" k get mc
expect_out "tier column" "edge" k get mc edge-1
expect_out "schema default: type" "Admission" k get fp disallow-latest-tag -o 'jsonpath={.spec.type}'
expect_out "schema default: suspend" "false" k get fp required-labels -o 'jsonpath={.spec.suspend}'
expect_out "schema default: engineService.port" "443" k get mc cloud-1 -o 'jsonpath={.spec.engineService.port}'
expect_out "given engineService.port kept" "8443" k get mc edge-1 -o 'jsonpath={.spec.engineService.port}'
expect_out "parameters keep unknown fields" "site-contact" \
  k get fp required-labels -o 'jsonpath={.spec.overrides[0].parameters.labels}'
expect_out "rego kept verbatim" 'violation[{"msg": msg' \
  k get fp ns-must-have-owner -o 'jsonpath={.spec.modules[0].rego}'

# Invalid objects are rejected with the field path.
cat >"$WORK/bad-enforcement.yaml" <<'YAML'
apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata: {name: bad-enforcement}
spec:
  enforcement: deny
  modules: [{name: main.rego, rego: "package x"}]
YAML
expect_err "bad enum rejected" "spec.enforcement" k apply -f "$WORK/bad-enforcement.yaml"
cat >"$WORK/bad-tier.yaml" <<'YAML'
apiVersion: policy.fedra.io/v1alpha1
kind: MemberCluster
metadata: {name: bad-tier}
spec:
  tier: fog
  kubeconfigSecretRef: {namespace: fedra-system, name: x}
YAML
expect_err "bad tier rejected" "spec.tier" k apply -f "$WORK/bad-tier.yaml"
cat >"$WORK/no-modules.yaml" <<'YAML'
apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata: {name: no-modules}
spec:
  enforcement: Warn
YAML
expect_err "modules required" "spec.modules" k apply -f "$WORK/no-modules.yaml"

# Server-side apply with the operator's field manager.
expect_out "server-side apply" "serverside-applied" \
  k apply --server-side --field-manager fedra-operator -f "$ROOT/examples/policies/required-labels.yaml"

# Status subresource and kstatus conditions.
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
expect_out "status subresource takes conditions" "patched" \
  k patch fp required-labels --subresource=status --type=merge -p "{\"status\": {\"observedGeneration\": 1,
   \"revision\": \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", \"clusterSummary\": \"2/2\",
   \"conditions\": [{\"type\": \"Ready\", \"status\": \"True\", \"reason\": \"Synced\", \"message\": \"ok\",
   \"lastTransitionTime\": \"$NOW\", \"observedGeneration\": 1}]}}"
expect_out "kubectl wait --for=condition=Ready" "condition met" \
  k wait --for=condition=Ready fp/required-labels --timeout=10s
expect_out "clusters column" "2/2" k get fp required-labels
expect_out "a spec edit through the main resource leaves status alone" "2/2" \
  k get fp required-labels -o 'jsonpath={.status.clusterSummary}'

# Delete.
expect_out "delete examples" "deleted" k delete -f "$ROOT/examples/policies/"
expect_out "nothing left" "No resources found" k get fp

echo "$CHECKS checks, $FAILURES failed"
[ "$FAILURES" -eq 0 ]
