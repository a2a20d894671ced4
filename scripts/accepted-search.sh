#!/usr/bin/env bash
# A long search for specs that the loader accepts and that then do not compile, lint or document
# cleanly: runs the batch crate tests/accepted/ (package clientgen-accepted) with seeds FIRST..LAST,
# CASES random specs each, through clippy -D warnings, rustdoc -D warnings and its tests, and stops
# at the first seed that fails. The failing case's spec is OUT_DIR/case_<n>.yaml; the comment above
# `pub mod case_<n>` in OUT_DIR/cases.rs names it, and the seed and case reproduce it exactly.
#
#   scripts/accepted-search.sh [FIRST] [LAST] [CASES]     # default: 2 51 40
set -euo pipefail
cd "$(dirname "$0")/.."
first=${1:-2}
last=${2:-51}
cases=${3:-40}
export CLIENTGEN_ACCEPTED_CASES=$cases
for seed in $(seq "$first" "$last"); do
  export CLIENTGEN_ACCEPTED_SEED=$seed
  echo "== seed $seed, $cases cases"
  if ! cargo clippy -q -p clientgen-accepted --all-targets -- -D warnings ||
    ! RUSTDOCFLAGS="-D warnings" cargo doc -q -p clientgen-accepted --no-deps ||
    ! cargo test -q -p clientgen-accepted; then
    echo "seed $seed fails: rerun with CLIENTGEN_ACCEPTED_SEED=$seed CLIENTGEN_ACCEPTED_CASES=$cases" >&2
    exit 1
  fi
done
echo "seeds $first to $last passed ($cases cases each)"
