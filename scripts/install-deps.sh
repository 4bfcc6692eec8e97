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
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
