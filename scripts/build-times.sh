#!/usr/bin/env bash
# Build times of the generated crate, feature by feature, beside progenitor's output for the
# same Teamup API (interop/progenitor-teamup, generated from openapi/3.0/teamup.json), and the
# generated line count per API.
#
#   scripts/build-times.sh [rounds] [profile...]     e.g. scripts/build-times.sh 5 dev release
#
# Dependencies are built first and not counted: each timed build touches only the crate under
# test, so what is measured is rustc on the generated code. Configurations are built round-robin,
# one round at a time, so that a change in the machine's load hits them all alike; the medians
# are printed with the load average. Uses CARGO_TARGET_DIR when set.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
profiles=("$@")
[[ ${#profiles[@]} -gt 0 ]] || profiles=(dev release)
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never

configs=(teamup grow_crm teamfluence teamleader_v1 teamleader_v2 all progenitor)

build() { # config profile
  local flags=(--profile "$2" --locked -q)
  case $1 in
    progenitor)
      touch interop/progenitor-teamup/src/lib.rs
      cargo build --manifest-path interop/progenitor-teamup/Cargo.toml "${flags[@]}" ;;
    all)
      touch generated/src/lib.rs
      cargo build -p saas-clients "${flags[@]}" ;;
    *)
      touch generated/src/lib.rs
      cargo build -p saas-clients --no-default-features --features "$1" "${flags[@]}" ;;
  esac
}

echo "generated lines per API (generated/src/<api>/*.rs):"
for api in grow_crm teamfluence teamleader_v1 teamleader_v2 teamup; do
  printf '  %-14s %7d\n' "$api" "$(cat generated/src/$api/*.rs | wc -l)"
done
printf '  %-14s %7d\n' total "$(cat generated/src/*.rs generated/src/*/*.rs | wc -l)"

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
echo "build time of the crate alone, seconds: median of $rounds (min..max); load average $(cut -d' ' -f1-3 /proc/loadavg)"
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
