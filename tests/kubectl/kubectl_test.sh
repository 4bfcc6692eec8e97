#!/usr/bin/env bash
# The installed kubectl against fedra-apiserver.
# usage: kubectl_test.sh FEDRA_APISERVER KUBECTL
# Every kubectl call is bounded by `timeout`; every wait polls with a bound.
set -u
APISERVER=${1:?usage: kubectl_test.sh FEDRA_APISERVER KUBECTL}
KUBECTL_BIN=${2:-kubectl}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/testdata
WORK=$(mktemp -d /tmp/fedra-kubectl-XXXXXX)
export HOME=$WORK  # kubectl's discovery cache stays in the temp dir
SERVER_PID=""
WATCH_PID=""
FAILURES=0
CHECKS=0

cleanup() {
  [ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# fail, pass, k, expect_out, expect_err, poll
source "$(cd "$(dirname "$0")/../util" && pwd)/checks.sh"

start_server() {
  rm -f "$WORK/kubeconfig"
  "$APISERVER" --addr 127.0.0.1:0 --tls --kubeconfig-out "$WORK/kubeconfig" \
    --state-file "$WORK/state.json" --bookmark-interval 200 "$@" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -q "serving on" "$WORK/server.log" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "fedra-apiserver did not start:"; cat "$WORK/server.log"; exit 1
}

# The command line.
expect_out "--help explains the flags" "--kubeconfig-out" "$APISERVER" --help
expect_err "an unknown flag is refused" 'unknown or incomplete argument "--nope"' "$APISERVER" --nope
expect_err "a bad address is refused" "--addr: bad port" "$APISERVER" --addr 127.0.0.1:http

start_server

# Discovery.
expect_out "api-resources lists built-in kinds" "customresourcedefinitions" k api-resources
expect_out "version reports the server" "Server Version: v1.32" k version

# A CRD, then a custom resource by client-side apply.
expect_out "apply -f CRD" "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created" \
  k apply -f "$DATA/crd.yaml"
expect_out "CRD is established" "condition met" \
  k wait --for condition=established --timeout=10s crd/widgets.example.com
expect_out "api-resources lists the CRD's resource" "widgets" k api-resources --api-group=example.com
expect_out "apply -f custom resource (client-side)" "widget.example.com/w1 created" \
  k apply -f "$DATA/widget-client.yaml"
expect_out "re-apply is a no-op" "widget.example.com/w1 unchanged" k apply -f "$DATA/widget-client.yaml"
expect_out "get -o json shows schema defaults" '"size": 3' k get widget w1 -o json
expect_out "get -o json shows generation 1" '"generation": 1' k get widget w1 -o json
expect_out "last-applied annotation kept" "kubectl.kubernetes.io/last-applied-configuration" \
  k get widget w1 -o json
expect_out "table output with printer columns" "COLOR" k get widgets
expect_out "short name works" "w1" k get wd
expect_out "label selector" "w1" k get wd -l team=a -o name
expect_err "unknown fields rejected with --validate=strict" 'unknown field "spec.bogus"' \
  k apply -f "$DATA/widget-unknown.yaml"

# Server-side apply, conflicts and forcing.
expect_out "apply --server-side" "widget.example.com/w2 serverside-applied" \
  k apply --server-side -f "$DATA/widget-server.yaml"
expect_out "managedFields record the apply" '"operation": "Apply"' \
  k get widget w2 -o json --show-managed-fields
expect_err "another manager conflicts" 'conflict with "kubectl"' \
  k apply --server-side --field-manager=other -f "$DATA/widget-server-conflict.yaml"
expect_out "--force-conflicts takes over" "serverside-applied" \
  k apply --server-side --field-manager=other --force-conflicts -f "$DATA/widget-server-conflict.yaml"
expect_out "forced value stored" "6" k get widget w2 -o 'jsonpath={.spec.size}'

# get -w sees a later change.
k get widget w1 -w -o 'jsonpath={.spec.size}{"\n"}' >"$WORK/watch.out" 2>&1 &
WATCH_PID=$!
poll "watch delivered the initial state" grep -q '^3$' "$WORK/watch.out"
expect_out "patch --type=merge" "widget.example.com/w1 patched" \
  k patch widget w1 --type=merge -p '{"spec":{"size":9}}'
poll "watch delivered the patched object" grep -q '^9$' "$WORK/watch.out"
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; WATCH_PID=""
expect_out "generation bumped by the spec change" "2" k get widget w1 -o 'jsonpath={.metadata.generation}'
expect_out "label change keeps generation" "widget.example.com/w1 labeled" k label widget w1 x=y
expect_out "generation unchanged after labelling" "2" k get widget w1 -o 'jsonpath={.metadata.generation}'
expect_err "schema maximum enforced" "spec.size in body should be less than or equal to 10" \
  k patch widget w1 --type=merge -p '{"spec":{"size":70}}'
expect_err "schema enum enforced" 'Unsupported value: "pink"' \
  k patch widget w1 --type=merge -p '{"spec":{"color":"pink"}}'
expect_out "patch --type=json" "patched" \
  k patch widget w1 --type=json -p '[{"op":"replace","path":"/spec/color","value":"blue"}]'
expect_out "status subresource" "patched" \
  k patch widget w1 --subresource=status --type=merge -p '{"status":{"phase":"Ready"}}'
expect_out "status stored" "Ready" k get widget w1 -o 'jsonpath={.status.phase}'

# Delete with a finalizer held, then released.
expect_out "add a finalizer" "patched" \
  k patch widget w1 --type=merge -p '{"metadata":{"finalizers":["example.com/hold"]}}'
expect_out "delete returns at once" 'widget.example.com "w1" deleted' k delete widget w1 --wait=false
expect_out "object still there, marked for deletion" "Z" \
  k get widget w1 -o 'jsonpath={.metadata.deletionTimestamp}'
expect_out "release the finalizer" "patched" \
  k patch widget w1 --type=merge -p '{"metadata":{"finalizers":null}}'
expect_err "object gone after the last finalizer" 'widgets.example.com "w1" not found' \
  k get widget w1

# Built-in kinds through apply, and namespaces.
expect_out "apply a ConfigMap" "configmap/settings created" k apply -f "$DATA/configmap.yaml"
expect_out "re-apply a changed ConfigMap (strategic merge)" "configmap/settings configured" \
  sh -c "sed 's/fast/slow/' '$DATA/configmap.yaml' | timeout 30 '$KUBECTL_BIN' --kubeconfig '$WORK/kubeconfig' apply -f -"
expect_out "ConfigMap data changed" "slow" k get configmap settings -o 'jsonpath={.data.mode}'
expect_out "apply a Deployment and a ClusterRole" "clusterrole.rbac.authorization.k8s.io/reader created" \
  k apply -f "$DATA/deployment.yaml"
expect_out "re-apply merges containers by name" "deployment.apps/web configured" \
  sh -c "sed 's/nginx:1/nginx:2/' '$DATA/deployment.yaml' | timeout 30 '$KUBECTL_BIN' --kubeconfig '$WORK/kubeconfig' apply -f -"
expect_out "both containers kept, one changed" "nginx:2 busybox" \
  k get deployment web -o 'jsonpath={.spec.template.spec.containers[*].image}'
expect_err "namespace must exist" 'namespaces "nowhere" not found' \
  k apply -n nowhere -f "$DATA/configmap.yaml"
# (kubectl create sends protobuf, which the simulator does not speak: apply.)
expect_out "create a namespace" "namespace/team-a created" \
  sh -c "printf 'apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: team-a\\n' | timeout 30 '$KUBECTL_BIN' --kubeconfig '$WORK/kubeconfig' apply -f -"
expect_out "apply into it" "configmap/settings created" k apply -n team-a -f "$DATA/configmap.yaml"
expect_out "list across namespaces" "team-a" k get configmaps -A

# Auth: a wrong token is refused.
expect_err "wrong token is refused" "Unauthorized" k --token=wrong get configmaps

# Stop (SIGTERM exits 0, state saved) and start again: objects survive.
kill -TERM "$SERVER_PID"
CHECKS=$((CHECKS + 1))
if wait "$SERVER_PID"; then pass "SIGTERM exits 0"; else fail "SIGTERM exit status $?"; fi
SERVER_PID=""
start_server
expect_out "state survives a restart" "w2" k get widgets -o name
expect_out "CRD resource served after restart" "widgets" k api-resources --api-group=example.com

# Server-side dry run: kubectl diff shows the change, nothing is written.
CHECKS=$((CHECKS + 1))
DIFF=$(sed 's/green/blue/' "$DATA/widget-server.yaml" | k diff -f - 2>&1)
case "$DIFF" in *"+  color: blue"*) pass "kubectl diff (dryRun=All) shows the change" ;;
  *) fail "kubectl diff: $DIFF" ;; esac
expect_out "diff wrote nothing" "green" k get widget w2 -o 'jsonpath={.spec.color}'

# Default (Table) output of get -w receives a change.
k get widgets -w >"$WORK/watch-table.out" 2>&1 &
WATCH_PID=$!
poll "table watch lists the current objects" grep -q '^w2 ' "$WORK/watch-table.out"
expect_out "label w2" "labeled" k label widget w2 seen=yes
poll "table watch printed the change" sh -c "[ \$(grep -c '^w2 ' '$WORK/watch-table.out') -ge 2 ]"
kill "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" 2>/dev/null; WATCH_PID=""

expect_out "delete the CRD" 'deleted' k delete crd widgets.example.com
expect_err "its resource is gone" "the server could not find the requested resource" k get widgets

# Client-certificate authentication: the kubeconfig carries a certificate.
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
rm -f "$WORK/state.json"
start_server --client-cert
expect_out "kubeconfig holds a client certificate" "client-certificate-data" cat "$WORK/kubeconfig"
expect_out "client certificate accepted" "default" k get namespaces -o name

echo "$CHECKS checks, $FAILURES failed"
[ "$FAILURES" -eq 0 ]
