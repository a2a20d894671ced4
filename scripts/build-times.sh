#!/usr/bin/env bash
# Build times of the generated crate, feature by feature, beside progenitor's output for the
# same Teamup API (interop/progenitor-teamup, generated from openapi/3.0/teamup.json), and the
# generated line count per API.
#
#   [CONFIGS="teamup all progenitor"] scripts/build-times.sh [rounds] [profile...]
#   e.g. scripts/build-times.sh 5 dev release
#
# `teamup+caller` and `progenitor+caller` time the client crate and a program that calls every
# Teamup operation once (examples/every_teamup_call.rs, and
# interop/progenitor-teamup/examples/every_call.rs), built together: code that waits for a
# caller to be compiled (progenitor's `async fn`s, serde impls generic over the deserializer)
# is then counted where it is compiled, so the two clients are compared on the same work.
#
# Dependencies are built first and not counted: each timed build touches only the crate under
# test, so what is measured is rustc on the generated code, in the default dev profile (full
# debug info) and in release. Configurations are built round-robin,
# one round at a time, so that a change in the machine's load hits them all alike; the medians
# are printed with the load average. Uses CARGO_TARGET_DIR when set.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
profiles=("$@")
[[ ${#profiles[@]} -gt 0 ]] || profiles=(dev release)
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never

# CONFIGS="teamup all progenitor" narrows the set.
read -r -a configs <<<"${CONFIGS:-teamup grow_crm teamfluence teamleader_v1 teamleader_v2 all progenitor teamup+caller progenitor+caller}"

build() { # config profile
  local flags=(--profile "$2" --locked -q)
  # The workspace builds the generated crate without debug info (see Cargo.toml); a user's crate
  # builds it, like progenitor's output, with the default profile's full debug info: measure that.
  local ours=()
  [[ $2 == dev ]] && ours=(--config 'profile.dev.package.saas-clients.debug=true')
  case $1 in
    progenitor)
      touch interop/progenitor-teamup/src/lib.rs
      cargo build --manifest-path interop/progenitor-teamup/Cargo.toml --lib "${flags[@]}" ;;
    progenitor+caller)
      touch interop/progenitor-teamup/src/lib.rs interop/progenitor-teamup/examples/every_call.rs
      cargo build --manifest-path interop/progenitor-teamup/Cargo.toml --example every_call "${flags[@]}" ;;
    teamup+caller)
      touch generated/src/lib.rs examples/every_teamup_call.rs
      cargo build -p clientgen-examples --no-default-features --features teamup \
        --example every_teamup_call "${flags[@]}" "${ours[@]}" ;;
    all)
      touch generated/src/lib.rs
      cargo build -p saas-clients "${flags[@]}" "${ours[@]}" ;;
    *)
      touch generated/src/lib.rs
      cargo build -p saas-clients --no-default-features --features "$1" "${flags[@]}" "${ours[@]}" ;;
  esac
}

echo "generated lines per API (generated/src/<api>/*.rs; in brackets, the feature-gated mock.rs):"
lines() { cat "$@" 2>/dev/null | wc -l; }
for api in grow_crm teamfluence teamleader_v1 teamleader_v2 teamup; do
  printf '  %-14s %7d  (%d)\n' "$api" "$(lines generated/src/$api/*.rs)" "$(lines generated/src/$api/mock.rs)"
done
printf '  %-14s %7d  (%d)\n' total "$(lines generated/src/*.rs generated/src/*/*.rs)" "$(lines generated/src/*/mock.rs)"

declare -A times
for profile in "${profiles[@]}"; do
  for c in "${configs[@]}"; do build "$c" "$profile"; done # dependencies, not timed
  for ((r = 1; r <= rounds; r++)); do
    for c in "${configs[@]}"; do
      start=$(date +%s.%N)
      build "$c" "$profile"
      end=$(date +%s.%N)
      times[$profile.$c]+="$(awk "BEGIN { print $end - $start }") "
    done
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
echo
echo "build time (the crate alone, or with the caller: +caller), seconds: median of $rounds (min..max); load average $(cut -d' ' -f1-3 /proc/loadavg)"
for profile in "${profiles[@]}"; do
  for c in "${configs[@]}"; do
    t=${times[$profile.$c]}
    range=$(tr ' ' '\n' <<<"$t" | grep . | sort -n | sed -n '1p;$p' | xargs printf '%.2f..%.2f' )
    label=$c
    [[ $c == progenitor ]] && label="progenitor (teamup)"
    [[ $c == all ]] && label="all five"
    printf '  %-8s %-20s %6s s  (%s)\n' "$profile" "$label" "$(median <<<"$t")" "$range"
  done
done
