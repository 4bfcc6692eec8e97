#!/usr/bin/env bash
# Operator at scale (issue 6): fedra-operator against a hub and N member
# clusters, every one a fedra-apiserver process on loopback (HTTPS), with P
# generated FederatedPolicies placed by cluster labels. Measures, per size:
#
#   converge   operator start -> every member holds exactly the MemberPolicies
#              the placement gives it (counted in each member with a
#              limit=1 list: items + remainingItemCount)
#   RSS        operator VmRSS and VmHWM (/proc) at convergence and after the
#              steady-state window
#   CPU        operator CPU seconds (utime+stime, /proc/PID/stat) used to
#              converge, and CPU % over the steady-state window
#   writes/s   hub and members' resourceVersion growth per second (GET
#              /fedra-sim/stats): the simulator counts writes, not requests
#
# Policies: P small Rego modules from five templates (labels, registries,
# replicas, privileged containers, namespace owners); placement by env,
# region, site and tier labels so that each lands on a subset; every 4th has
# an override to Warn at the edge, every 7th one with other parameters in
# region r0, every 50th is suspended in region r1 (withdrawn there). They are
# created with `kubectl create -f` in files of 100 objects.
# No engines run (MemberClusters have none, so no policy becomes Ready):
# what is measured is the operator's work on the hub and the members.
#
#   bench/operator_scale.sh [BUILD_DIR] [SIZES] [STEADY_S] [CONVERGE_LIMIT_S] [SETTLE_S]
#   SIZES: "POLICIESxCLUSTERS ..." (default "100x10 1000x50"); steady 60 s;
#   convergence limit 2700 s (an operator that works members one after
#   another at 20 requests/s needs half an hour for 1,000 x 50); settle 10 s.
#
# Every wait is bounded: servers 10 s to start, convergence by the limit.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
sizes=${2:-"100x10 1000x50"}
steady=${3:-60}
limit=${4:-2700}
settle=${5:-10}
bin=$build/bin
tmp=$(mktemp -d /tmp/fedra-scale.XXXXXX)
pids=()
op=""
# SIGTERM, then SIGKILL after `limit` seconds; says how long it took.
stop_pid() {  # pid limit name
  local p=$1 t0
  kill -0 "$p" 2>/dev/null || return 0
  t0=$(now)
  kill "$p" 2>/dev/null || true
  for _ in $(seq $(($2 * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then
    echo "   $3 still running $2 s after SIGTERM: killed"
    kill -9 "$p" 2>/dev/null || true
  elif [[ -n "$3" ]]; then
    echo "   $3 exited $(bc <<<"scale=1; ($(now) - $t0) / 1000000") s after SIGTERM"
  fi
  wait "$p" 2>/dev/null || true
}
cleanup() {
  [[ -n "$op" ]] && stop_pid "$op" 15 fedra-operator
  for p in "${pids[@]}"; do stop_pid "$p" 5 ""; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

token=$(openssl rand -hex 16)
hz=$(getconf CLK_TCK)
now() { echo "${EPOCHREALTIME/./}"; }  # microseconds
rss_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
k() {  # kubeconfig args...
  local kc=$1; shift
  timeout 300 kubectl --kubeconfig "$kc" "$@"
}
api() {  # url [curl args...]: the simulators share one token
  local url=$1; shift
  curl -sk --max-time 10 -H "Authorization: Bearer $token" "$url" "$@"
}

# Starts fedra-apiserver NAME in DIR; sets `url` and `pid`.
apiserver() {  # dir name
  local dir=$1 name=$2
  "$bin/fedra-apiserver" --addr 127.0.0.1:0 --tls --token "$token" --kubeconfig-out "$dir/$name.kubeconfig" \
    >"$dir/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 200); do
    if [[ -s "$dir/$name.kubeconfig" ]]; then
      url=$(awk '/server:/ {print $2; exit}' "$dir/$name.kubeconfig")
      api "$url/readyz" -o /dev/null && return 0
    fi
    sleep 0.05
  done
  echo "operator_scale: the $name API server did not start:" >&2
  tail -20 "$dir/$name.log" >&2
  exit 1
}

# Cluster j's labels. Placement and the expected counts below both follow
# these, so they are written once.
env_of() { local e=(prod prod staging dev); echo "${e[$(($1 % 4))]}"; }
region_of() { echo "r$(($1 % 5))"; }
is_edge() { (($1 % 5 == 4)); }

member_cluster_yaml() {  # j url
  local j=$1 name tier=cloud site=""
  name=m$(printf %02d "$j")
  if is_edge "$j"; then tier=edge; site="
    site: store-$j"; fi
  cat <<EOF
apiVersion: policy.fedra.io/v1alpha1
kind: MemberCluster
metadata:
  name: $name
  labels:
    env: $(env_of "$j")
    region: $(region_of "$j")$site
spec:
  tier: $tier
  kubeconfigSecretRef: {namespace: fedra-system, name: $name-kubeconfig}
---
apiVersion: v1
kind: Secret
metadata: {name: $name-kubeconfig, namespace: fedra-system}
data:
  kubeconfig: $(base64 -w0 "$2")
---
EOF
}

# Placement of policy i, as YAML, and whether it selects cluster j.
placement_yaml() {
  case $(($1 % 6)) in
    0) echo "{clusterSelector: {matchLabels: {env: prod}}}" ;;
    1) echo "{clusterSelector: {matchLabels: {region: r$(($1 % 5))}}}" ;;
    2) echo "{clusterSelector: {matchExpressions: [{key: env, operator: In, values: [staging, dev]}]}}" ;;
    3) echo "{clusterSelector: {matchExpressions: [{key: site, operator: Exists}]}}" ;;
    4) echo "{tiers: [cloud]}" ;;
    5) echo "{clusterSelector: {matchLabels: {env: prod, region: r$(($1 % 5))}}}" ;;
  esac
}
placed() {  # i j
  local i=$1 j=$2
  # every 50th policy is suspended in region r1
  ((i % 50 == 0 && j % 5 == 1)) && return 1
  case $((i % 6)) in
    0) ((j % 4 < 2)) ;;
    1) ((j % 5 == i % 5)) ;;
    2) ((j % 4 >= 2)) ;;
    3) is_edge "$j" ;;
    4) ! is_edge "$j" ;;
    5) ((j % 4 < 2 && j % 5 == i % 5)) ;;
  esac
}

policy_yaml() {  # i
  local i=$1 name pkg kinds params body
  name=scale-$(printf %04d "$i")
  pkg=scale_$(printf %04d "$i")
  case $((i % 5)) in
    0) kinds='[{apiGroups: [""], kinds: [Pod]}]'
       params="{labels: [team, app-$((i % 13))]}"
       body='violation contains {"msg": msg} if {
        some label in input.parameters.labels
        not input.review.object.metadata.labels[label]
        msg := sprintf("%s is missing label %q", [input.review.object.metadata.name, label])
      }' ;;
    1) kinds='[{apiGroups: [""], kinds: [Pod]}]'
       params="{registries: [registry-$((i % 7)).example.com/, mirror.example.com/]}"
       body='violation contains {"msg": msg} if {
        some c in input.review.object.spec.containers
        not trusted(c.image)
        msg := sprintf("image %s comes from an untrusted registry", [c.image])
      }

      trusted(image) if {
        some prefix in input.parameters.registries
        startswith(image, prefix)
      }' ;;
    2) kinds='[{apiGroups: [apps], kinds: [Deployment, StatefulSet]}]'
       params="{max: $((5 + i % 20))}"
       body='violation contains {"msg": msg} if {
        input.review.object.spec.replicas > input.parameters.max
        msg := sprintf("%d replicas, at most %d", [input.review.object.spec.replicas, input.parameters.max])
      }' ;;
    3) kinds='[{apiGroups: [""], kinds: [Pod]}]'
       params="{allowed: [kube-system, ns-$((i % 11))]}"
       body='violation contains {"msg": msg} if {
        not allowed_namespace
        some c in input.review.object.spec.containers
        c.securityContext.privileged == true
        msg := sprintf("container %s is privileged", [c.name])
      }

      allowed_namespace if input.review.object.metadata.namespace in input.parameters.allowed' ;;
    4) kinds='[{apiGroups: [""], kinds: [Namespace]}]'
       params="{annotation: owner-$((i % 17))}"
       body='violation contains {"msg": msg} if {
        not input.review.object.metadata.annotations[input.parameters.annotation]
        msg := sprintf("namespace %s needs annotation %s", [input.review.object.metadata.name, input.parameters.annotation])
      }' ;;
  esac
  local overrides=""
  ((i % 4 == 0)) && overrides+="
  - clusterSelector: {matchExpressions: [{key: site, operator: Exists}]}
    enforcement: Warn"
  ((i % 7 == 0)) && overrides+="
  - clusterSelector: {matchLabels: {region: r0}}
    parameters: {note: region-r0-$i}"
  ((i % 50 == 0)) && overrides+="
  - clusterSelector: {matchLabels: {region: r1}}
    suspend: true"
  [[ -n "$overrides" ]] && overrides="  overrides:$overrides"
  cat <<EOF
apiVersion: policy.fedra.io/v1alpha1
kind: FederatedPolicy
metadata:
  name: $name
spec:
  type: Admission
  enforcement: Deny
  parameters: $params
  match:
    kinds: $kinds
    excludedNamespaces: ["kube-*", fedra-system]
  modules:
  - name: main.rego
    rego: |
      package fedra.policies.$pkg

      $body
  placement: $(placement_yaml "$i")
$overrides
---
EOF
}

# MemberPolicies each member holds, one number per line, in member order.
member_counts() {
  local u n
  for u in "${member_urls[@]}"; do
    n=$(api "$u/apis/policy.fedra.io/v1alpha1/memberpolicies?limit=1" |
      jq -r '(.items | length) + (.metadata.remainingItemCount // 0)' 2>/dev/null) || n=-1
    echo "${n:--1}"
  done
}
# Sum of the operator's /metrics samples whose line starts with PATTERN.
op_metric() {  # pattern
  curl -s --max-time 5 "http://127.0.0.1:$op_port/metrics" 2>/dev/null |
    awk -v re="^$1" '$0 ~ re {s += $NF} END {printf "%d\n", s}' || echo 0
}
sum_rv() {  # urls...: the sum of their resourceVersions
  local total=0 u rv
  for u in "$@"; do
    rv=$(api "$u/fedra-sim/stats" | jq -r '.resourceVersion // 0') || rv=0
    total=$((total + rv))
  done
  echo "$total"
}

results=()
run_size() {  # policies clusters
  local np=$1 nc=$2 dir="$tmp/${1}x$2" j i
  mkdir -p "$dir/policies"
  echo "== $np policies x $nc clusters"
  apiserver "$dir" hub
  local hub_url=$url hub_kc=$dir/hub.kubeconfig
  k "$hub_kc" apply -f crds/ >/dev/null
  printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: fedra-system}\n' | k "$hub_kc" apply -f - >/dev/null
  k "$hub_kc" create --dry-run=client -o json -f crds/policy.fedra.io_memberpolicies.yaml >"$dir/mp-crd.json"

  member_urls=()
  member_pids=()
  : >"$dir/clusters.yaml"
  for ((j = 0; j < nc; j++)); do
    local name
    name=m$(printf %02d "$j")
    apiserver "$dir" "$name"
    member_urls+=("$url")
    member_pids+=("$pid")
    api "$url/apis/apiextensions.k8s.io/v1/customresourcedefinitions" -X POST \
      -H 'Content-Type: application/json' --data-binary "@$dir/mp-crd.json" -o /dev/null
    member_cluster_yaml "$j" "$dir/$name.kubeconfig" >>"$dir/clusters.yaml"
  done
  for u in "${member_urls[@]}"; do
    for _ in $(seq 100); do
      [[ $(api "$u/apis/policy.fedra.io/v1alpha1/memberpolicies" -o /dev/null -w '%{http_code}') == 200 ]] && break
      sleep 0.05
    done
  done
  local member_idle_kb
  member_idle_kb=$(rss_kb "${member_pids[0]}" VmRSS)
  echo "   $nc members up; one idle member simulator: $member_idle_kb KB RSS"

  local expected=() total_expected=0
  for ((j = 0; j < nc; j++)); do expected[j]=0; done
  for ((i = 0; i < np; i++)); do
    policy_yaml "$i" >>"$dir/policies/p$((i / 100)).yaml"
    for ((j = 0; j < nc; j++)); do
      if placed "$i" "$j"; then expected[j]=$((expected[j] + 1)); fi
    done
  done
  for ((j = 0; j < nc; j++)); do total_expected=$((total_expected + expected[j])); done

  local t0 t1
  t0=$(now)
  k "$hub_kc" create -f "$dir/clusters.yaml" >/dev/null
  k "$hub_kc" create -f "$dir/policies/" >/dev/null
  t1=$(now)
  local created
  created=$(api "$hub_url/apis/policy.fedra.io/v1alpha1/federatedpolicies?limit=1" |
    jq -r '(.items | length) + (.metadata.remainingItemCount // 0)')
  printf '   kubectl create: %d FederatedPolicies, %d MemberClusters and Secrets in %.1f s; %d MemberPolicies expected (%d per member on average)\n' \
    "$created" "$nc" "$(bc <<<"scale=1; ($t1 - $t0) / 1000000")" "$total_expected" $((total_expected / nc))

  "$bin/fedra-operator" --kubeconfig "$hub_kc" --addr 127.0.0.1:0 --resync 1000 >"$dir/operator.log" 2>&1 &
  op=$!
  local start
  start=$(now)
  op_port=""
  for _ in $(seq 200); do
    op_port=$(grep -o '"addr":"127.0.0.1:[0-9]*"' "$dir/operator.log" 2>/dev/null | head -1 | grep -o '[0-9]*"$' | tr -d '"' || true)
    [[ -n "$op_port" ]] && break
    sleep 0.05
  done
  local converged="" counts=() have=0 last_report=0
  for _ in $(seq $((limit * 2))); do  # polls every 0.5 s, plus the time a poll takes
    if ! kill -0 "$op" 2>/dev/null; then
      echo "   fedra-operator EXITED before convergence; last log lines:"
      tail -30 "$dir/operator.log" | sed 's/^/     /'
      break
    fi
    mapfile -t counts < <(member_counts)
    have=0
    local done_all=1
    for ((j = 0; j < nc; j++)); do
      have=$((have + (counts[j] > 0 ? counts[j] : 0)))
      [[ "${counts[j]}" == "${expected[j]}" ]] || done_all=0
    done
    if ((done_all)); then
      converged=$(now)
      break
    fi
    local el=$((($(now) - start) / 1000000))
    ((el > limit)) && break
    if ((el >= last_report + 30)); then
      last_report=$el
      echo "   ${el} s: $have of $total_expected MemberPolicies in place, operator RSS $(rss_kb "$op" VmRSS) KB"
    fi
    sleep 0.5
  done
  if [[ -z "$converged" ]]; then
    echo "   NOT CONVERGED: $have of $total_expected MemberPolicies in place"
    results+=("| $np x $nc | not converged ($have/$total_expected) | | | | | | | |")
    stop_size
    return
  fi
  local conv_s conv_cpu conv_rss conv_hwm
  conv_s=$(bc <<<"scale=2; ($converged - $start) / 1000000")
  conv_cpu=$(bc <<<"scale=2; $(cpu_ticks "$op") / $hz")
  conv_rss=$(rss_kb "$op" VmRSS)
  conv_hwm=$(rss_kb "$op" VmHWM)
  echo "   operator /metrics at convergence: $(op_metric fedra_operator_reconciles_total) reconciles, $(op_metric 'fedra_operator_member_writes_total[{]action="apply"') MemberPolicy applies, $(op_metric 'fedra_operator_member_writes_total[{]action="status"') status writes (as the operator counts them), $(op_metric 'fedra_operator_member_writes_total[{].*result="error"') failed writes"
  echo "   converged in $conv_s s ($total_expected MemberPolicies); operator CPU $conv_cpu s, RSS $conv_rss KB, HWM $conv_hwm KB"

  # Status write-back (MemberPolicy and FederatedPolicy status) continues
  # after the copies exist; SETTLE_S (default 10) lets it finish before the
  # steady-state window.
  sleep "$settle"
  local c0 h0 m0 w0 c1 h1 m1 w1
  local r0 r1 a0 a1
  c0=$(cpu_ticks "$op"); h0=$(sum_rv "$hub_url"); m0=$(sum_rv "${member_urls[@]}"); w0=$(now)
  r0=$(op_metric fedra_operator_reconciles_total); a0=$(op_metric fedra_operator_member_writes_total)
  sleep "$steady"
  c1=$(cpu_ticks "$op"); h1=$(sum_rv "$hub_url"); m1=$(sum_rv "${member_urls[@]}"); w1=$(now)
  r1=$(op_metric fedra_operator_reconciles_total); a1=$(op_metric fedra_operator_member_writes_total)
  local secs cpu_pct hub_w mem_w ss_rss ss_hwm member_kb still
  secs=$(bc <<<"scale=3; ($w1 - $w0) / 1000000")
  cpu_pct=$(bc <<<"scale=1; 100 * ($c1 - $c0) / $hz / $secs")
  hub_w=$(bc <<<"scale=1; ($h1 - $h0) / $secs")
  mem_w=$(bc <<<"scale=1; ($m1 - $m0) / $secs")
  ss_rss=$(rss_kb "$op" VmRSS)
  ss_hwm=$(rss_kb "$op" VmHWM)
  member_kb=$(rss_kb "${member_pids[0]}" VmRSS)
  mapfile -t counts < <(member_counts)
  still=0
  for ((j = 0; j < nc; j++)); do still=$((still + counts[j])); done
  kill -0 "$op" 2>/dev/null || { echo "   fedra-operator EXITED in the steady state:"; tail -30 "$dir/operator.log" | sed 's/^/     /'; }
  echo "   operator /metrics over the window: $(bc <<<"scale=1; ($r1 - $r0) / $secs") reconciles/s, $(bc <<<"scale=1; ($a1 - $a0) / $secs") member writes/s"
  echo "   steady ${secs} s: operator CPU $cpu_pct %, RSS $ss_rss KB (HWM $ss_hwm KB); hub $hub_w writes/s, members $mem_w writes/s in all; $still MemberPolicies held; member m00 simulator $member_kb KB"
  results+=("| $np x $nc | $total_expected | $conv_s s | $conv_cpu s | $((conv_rss / 1024)) / $((conv_hwm / 1024)) MB | $cpu_pct % | $((ss_rss / 1024)) / $((ss_hwm / 1024)) MB | $hub_w / $mem_w | $((member_kb / 1024)) MB |")
  stop_size
}
stop_size() {  # everything this size started: the operator first, while its members still answer
  [[ -n "$op" ]] && stop_pid "$op" 15 fedra-operator
  op=""
  for p in "${pids[@]}"; do stop_pid "$p" 5 ""; done
  pids=()
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
for size in $sizes; do
  run_size "${size%x*}" "${size#*x}"
done
echo
echo "| policies x clusters | MemberPolicies | converge | CPU to converge | RSS / HWM at convergence | CPU steady ($steady s) | RSS / HWM steady | writes/s hub / members | member simulator RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in "${results[@]}"; do echo "$r"; done
