#!/usr/bin/env bash
# Peak resident memory of training plus evaluation on full Fashion-MNIST (one epoch), for the CNN example and the
# VGG-style network, with the evaluation's activation budget at its default (1 GiB) and unbounded (evaluation batches of
# 2,000 images whatever their activations: how Ibex evaluated before the budget). With --data DIR (the folder
# scripts/fashion-mnist-as-files.py writes) it adds the same networks trained from streamed CSV shards.
# Peak resident memory is /usr/bin/time's %M; a run over 2 GiB fails the verdict. Not a timed benchmark.
#
# Usage: bench/Memory/run.sh [--data DIR] [--networks "cnn vgg"] [--epochs N]
set -euo pipefail
cd "$(dirname "$0")/../.."

data=""
networks="cnn vgg"
epochs=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --networks) networks="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    *) echo "unknown option $1; usage: bench/Memory/run.sh [--data DIR] [--networks \"cnn vgg\"] [--epochs N]" >&2; exit 2 ;;
  esac
done

limit_kib=$((2 * 1024 * 1024))
unbounded_mib=$((1024 * 1024))
dotnet build examples/FashionMnist -c Release -v quiet -nologo >/dev/null
example=examples/FashionMnist/bin/Release/net10.0/Ibex.Examples.FashionMnist.dll
logs=$(mktemp -d)
failed=0

run() {
  local label="$1"; shift
  local log="$logs/$(echo "$label" | tr ' /' '__').log"
  /usr/bin/time -f "%M" -o "$log.rss" dotnet "$example" --epochs "$epochs" "$@" >"$log" 2>&1 || { echo "$label failed; log:" >&2; tail -20 "$log" >&2; exit 1; }
  local rss accuracy verdict
  rss=$(tail -1 "$log.rss")
  accuracy=$(grep -o 'Final test accuracy[^:]*: [0-9.]*' "$log" | grep -o '[0-9.]*$')
  verdict="within 2 GiB"
  if (( rss > limit_kib )); then verdict="OVER 2 GiB"; fi
  printf '| %s | %.2f GB | %s | %s |\n' "$label" "$(awk -v k="$rss" 'BEGIN { print k * 1024 / 1e9 }')" "$accuracy" "$verdict"
  echo "$label $rss" >>"$logs/peaks"
}

echo "| run (1 epoch unless stated) | peak resident | test accuracy | verdict |"
echo "|---|---|---|---|"
for network in $networks; do
  run "$network, evaluation unbounded (before)" --network "$network" --evaluation-budget-mib "$unbounded_mib"
  run "$network, evaluation budget 1 GiB" --network "$network"
  if [[ -n "$data" ]]; then
    run "$network, streamed CSV shards, budget 1 GiB" --network "$network" --source stream --data "$data"
  fi
done

# The verdict covers the default configuration only: the unbounded rows are the baseline.
over=$(grep -v "unbounded" "$logs/peaks" | awk -v limit="$limit_kib" '$NF > limit' | wc -l)
echo
if (( over > 0 )); then
  echo "verdict: $over run(s) with the default budget peaked above 2 GiB"
  exit 1
fi
echo "verdict: every run with the default budget peaked within 2 GiB (logs in $logs)"
