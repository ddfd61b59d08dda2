#!/usr/bin/env bash
# A real Prometheus scrapes a real training worker: starts Debian's prometheus (2.42) with a 0.2 s scrape interval, points it
# at the worker's OpenTelemetry scrape endpoint (Ibex:Training:Telemetry:Prometheus), trains examples/WorkerService for
# 2 epochs on Fashion-MNIST, then asks Prometheus's HTTP API for every sample it stored of Ĩ(w;D)/N and of the train and
# test accuracies and checks that they are exactly the run report's per-epoch numbers: each epoch's value was scraped, and
# nothing else was. Exit 0 when they match, 1 otherwise (with what differs).
set -uo pipefail
cd "$(dirname "$0")/.."

for tool in prometheus curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "prometheus-check: $tool is not on PATH (bash scripts/setup.sh installs prometheus)." >&2; exit 1; }
done

work=$(mktemp -d)
prom_pid=""
cleanup() {
  [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
worker_port=$(free_port)
prom_port=$(free_port)

dotnet build examples/WorkerService -c Release -v q -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log"; echo "prometheus-check: the worker did not build." >&2; exit 1; }
worker=examples/WorkerService/bin/Release/net10.0/Ibex.Examples.WorkerService.dll

cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 200ms
  scrape_timeout: 200ms
scrape_configs:
  - job_name: ibex-worker
    static_configs:
      - targets: ['127.0.0.1:${worker_port}']
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" --web.listen-address="127.0.0.1:${prom_port}" >"$work/prometheus.log" 2>&1 &
prom_pid=$!
api="http://127.0.0.1:${prom_port}"
for _ in $(seq 1 60); do
  curl -sf "$api/-/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "$api/-/ready" >/dev/null || { tail -20 "$work/prometheus.log"; echo "prometheus-check: Prometheus did not become ready." >&2; exit 1; }
# Prometheus applies new targets on a 5 s tick after it starts: wait until it has tried the worker's address once (it fails,
# no worker yet), so that the scrape loop runs before the first epoch ends.
for _ in $(seq 1 60); do
  curl -sf "$api/api/v1/targets" | grep -q '"lastScrape":"[12][0-9][0-9][0-9]-' && ! curl -sf "$api/api/v1/targets" | grep -q '"lastScrape":"0001-' && break
  sleep 0.5
done
curl -sf "$api/api/v1/targets" | grep -q "127.0.0.1:${worker_port}" || { echo "prometheus-check: Prometheus never started scraping the worker's address." >&2; exit 1; }

# An epoch's values are on /metrics from its end to the next epoch's end: an epoch of the 60,000 training images, 1.1 s on
# an idle 2-core machine (with a 1 s interval Prometheus once missed epoch 1 there), so several 0.2 s scrape intervals. The
# worker keeps /metrics up 4 s after the run so that the last epoch is scraped too.
(cd "$work" && dotnet "$OLDPWD/$worker" \
  --Ibex:Training:Epochs=2 --Ibex:Training:MonteCarloSamples=1 \
  --Ibex:Training:CheckpointDirectory=checkpoints --Ibex:Training:OutputDirectory=output \
  --Ibex:Training:Telemetry:Prometheus:Port="$worker_port" --Ibex:Training:Telemetry:Prometheus:Host=127.0.0.1 \
  --Ibex:Training:Telemetry:Prometheus:KeepServingSeconds=4) >"$work/worker.log" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
  cat "$work/worker.log"
  echo "prometheus-check: the worker exited with $status." >&2
  exit 1
fi

python3 - "$api" "$work/output/report.json" <<'PY'
import json, sys, urllib.parse, urllib.request

api, report_path = sys.argv[1], sys.argv[2]
report = json.load(open(report_path))
epochs = report["epochs"]

def samples(query):
    url = api + "/api/v1/query?" + urllib.parse.urlencode({"query": query + "[1h]"})
    body = json.load(urllib.request.urlopen(url))
    if body.get("status") != "success":
        raise SystemExit(f"prometheus-check: query {query} failed: {body}")
    return [float(v) for series in body["data"]["result"] for _, v in series["values"]]

checks = [
    ("ibex_training_information_per_sample", "informationPerSample"),
    ('ibex_training_accuracy{ibex_split="train"}', "trainAccuracy"),
    ('ibex_training_accuracy{ibex_split="test"}', "testAccuracy"),
]
failed = False
for query, field in checks:
    stored = samples(query)
    expected = [e[field] for e in epochs]
    distinct = sorted(set(stored))
    missing = [x for x in expected if not any(abs(x - s) <= 1e-12 * max(1.0, abs(x)) for s in distinct)]
    foreign = [s for s in distinct if not any(abs(x - s) <= 1e-12 * max(1.0, abs(x)) for x in expected)]
    if not stored or missing or foreign:
        failed = True
        print(f"prometheus-check: {query}: {len(stored)} samples stored; report epochs {expected}; missing {missing}; not in the report {foreign}")
    else:
        print(f"prometheus-check: {query}: {len(stored)} samples over {len(epochs)} epochs, values {distinct} = the report's")
sys.exit(1 if failed else 0)
PY
