#!/usr/bin/env bash
# Runs cel_rules.mjs: the CRDs' CEL rules against the examples and against
# objects that break one rule each. Needs node, python3 with PyYAML and the
# npm package @bufbuild/cel (found through NODE_PATH or a node_modules
# directory above this one); exits 77 (skipped) when one is missing.
# usage: cel_test.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
command -v node >/dev/null || { echo "node not installed: skipped"; exit 77; }
WORK=$(mktemp -d /tmp/fedra-cel-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
python3 - "$ROOT" "$WORK" <<'PY' || { echo "python3 with PyYAML needed: skipped"; exit 77; }
import glob, json, sys
import yaml
root, work = sys.argv[1], sys.argv[2]
crds = {}
for f in sorted(glob.glob(root + "/crds/*.yaml")):
    for d in yaml.safe_load_all(open(f)):
        v = [v for v in d["spec"]["versions"] if v.get("storage")][0]
        crds[d["spec"]["names"]["kind"]] = v["schema"]["openAPIV3Schema"]
examples = []
for f in sorted(glob.glob(root + "/examples/policies/*.yaml")):
    examples += [d for d in yaml.safe_load_all(open(f)) if d]

def policy(name, **spec):
    s = {"modules": [{"name": "main.rego", "rego": "package x"}]}
    s.update(spec)
    return {"apiVersion": "policy.fedra.io/v1alpha1", "kind": "FederatedPolicy",
            "metadata": {"name": name}, "spec": s}

cases = [
    {"name": "override without clusters", "want": "must select clusters",
     "object": policy("a", overrides=[{"enforcement": "Warn"}])},
    {"name": "override changing nothing", "want": "must set enforcement, parameters or suspend",
     "object": policy("b", overrides=[{"clusters": ["x"]}])},
    {"name": "suspend with enforcement", "want": "suspended override cannot",
     "object": policy("c", overrides=[{"clusters": ["x"], "suspend": True, "enforcement": "Warn"}])},
    {"name": "override names an unplaced cluster", "want": "must be listed in placement.clusters",
     "object": policy("d", placement={"clusters": ["a"]},
                      overrides=[{"clusters": ["b"], "enforcement": "Warn"}])},
    {"name": "duplicate tier", "want": "each tier may be listed once",
     "object": policy("e", placement={"tiers": ["edge", "edge"]})},
    {"name": "duplicate cluster", "want": "cluster names must be unique",
     "object": policy("f", placement={"clusters": ["a", "a"]})},
    {"name": "In without values", "want": "values must be non-empty for In",
     "object": policy("g", placement={"clusterSelector": {"matchExpressions": [{"key": "k", "operator": "In"}]}})},
    {"name": "Exists with values", "want": "values must be non-empty for In",
     "object": policy("h", match={"labelSelector": {"matchExpressions": [{"key": "k", "operator": "Exists", "values": ["v"]}]}})},
]
for name, d in [("crds.json", crds), ("examples.json", examples), ("cases.json", cases)]:
    json.dump(d, open(f"{work}/{name}", "w"))
PY
cp "$HERE/cel_rules.mjs" "$WORK/"
# ES modules ignore NODE_PATH: link the first node_modules that has the
# package (NODE_PATH's entries, then node_modules beside or above the repository).
IFS=: read -r -a CANDIDATES <<<"${NODE_PATH:-}"
for d in "${CANDIDATES[@]}" "$ROOT/node_modules" "$ROOT/../node_modules"; do
  if [ -n "$d" ] && [ -d "$d/@bufbuild/cel" ]; then ln -s "$d" "$WORK/node_modules"; break; fi
done
[ -e "$WORK/node_modules/@bufbuild/cel" ] || { echo "@bufbuild/cel not installed: skipped"; exit 77; }
node "$WORK/cel_rules.mjs" "$WORK"
