# Shell helpers for tests that drive kubectl and other commands, sourced by
# tests/kubectl/kubectl_test.sh and tests/crds/crds_test.sh. The caller sets
# WORK (a temp dir holding `kubeconfig`), KUBECTL_BIN, FAILURES=0, CHECKS=0.
# Every kubectl call is bounded by `timeout`; every wait polls with a bound.

fail() { echo "FAIL: $*"; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }
k() { timeout 30 "$KUBECTL_BIN" --kubeconfig "$WORK/kubeconfig" "$@"; }

# expect_out DESCRIPTION WANT COMMAND...: the command succeeds and its output contains WANT.
expect_out() {
  local what=$1 want=$2; shift 2
  CHECKS=$((CHECKS + 1))
  local out
  if ! out=$("$@" 2>&1); then fail "$what: command failed: $out"; return; fi
  case "$out" in *"$want"*) pass "$what" ;; *) fail "$what: want '$want' in: $out" ;; esac
}
# expect_err DESCRIPTION WANT COMMAND...: the command fails and its output contains WANT.
expect_err() {
  local what=$1 want=$2; shift 2
  CHECKS=$((CHECKS + 1))
  local out
  if out=$("$@" 2>&1); then fail "$what: command succeeded: $out"; return; fi
  case "$out" in *"$want"*) pass "$what" ;; *) fail "$what: want '$want' in: $out" ;; esac
}
# poll DESCRIPTION COMMAND...: retries the command (50 x 0.1 s) until it succeeds.
poll() {
  local what=$1; shift
  CHECKS=$((CHECKS + 1))
  for _ in $(seq 1 50); do
    if "$@" >/dev/null 2>&1; then pass "$what"; return 0; fi
    sleep 0.1
  done
  fail "$what: never happened"
  return 1
}
