#!/usr/bin/env bash
# Runs the quick sweep as a Slurm job array on a single-node Slurm cluster that this script starts on this machine:
# installs Debian's slurm-wlm and munge when missing, writes a minimal configuration (no cgroups: proctrack/linuxproc,
# task/none), starts munged, slurmctld and slurmd, submits the array with 'sweep slurm --submit', waits for it (squeue),
# checks every task completed (jobcomp/filetxt stands in for an accounting store), merges the results with 'sweep
# report', and stops the daemons. Slurm is started here, never assumed. Needs root (CI runs as root).
# Usage: bash scripts/slurm-sweep-check.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/ibex-slurm.XXXXXX)"
chmod 755 "$work"
conf="$work/slurm.conf"
export SLURM_CONF="$conf"

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-sweep-check: starting Slurm's daemons needs root." >&2
  exit 1
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "slurm-sweep-check: installing slurm-wlm and munge (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

stop() {
  scontrol shutdown >/dev/null 2>&1 || true
  for pid in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munged.pid"; do
    [ -f "$pid" ] && kill "$(cat "$pid")" >/dev/null 2>&1 || true
  done
  sleep 1
}
trap stop EXIT

# munge: a key of its own for this cluster, a socket in the work folder.
mkdir -p "$work/munge"
dd if=/dev/urandom bs=1 count=1024 of="$work/munge/munge.key" status=none
chown -R munge:munge "$work/munge" 2>/dev/null || true
chmod 755 "$work/munge"; chmod 400 "$work/munge/munge.key"
runuser -u munge -- munged --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"

node="$(hostname -s)"
cpus="$(nproc)"
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p "$work/state" "$work/spool"
cat > "$conf" <<CONF
ClusterName=ibexci
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
JobCompType=jobcomp/filetxt
JobCompLoc=$work/jobcomp.txt
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -f "$conf"
slurmd -f "$conf"
for _ in $(seq 1 60); do
  state="$(sinfo -h -N -o %T 2>/dev/null | head -1)"
  [ "$state" = "idle" ] && break
  sleep 1
done
if [ "$state" != "idle" ]; then
  echo "slurm-sweep-check: the node did not come up (state '$state'); slurmctld log:" >&2
  tail -20 "$work/slurmctld.log" >&2 || true
  tail -20 "$work/slurmd.log" >&2 || true
  exit 1
fi
echo "slurm-sweep-check: single-node cluster up ($node, $cpus CPUs)"

# IBEX_SWEEP_APP names an already built Ibex.Examples.PhaseTransition.dll; otherwise the script builds one.
app="${IBEX_SWEEP_APP:-}"
if [ -z "$app" ]; then
  dotnet build "$repo/examples/PhaseTransition" -c Release -v q -nologo >/dev/null
  app="$repo/examples/PhaseTransition/bin/Release/net10.0/Ibex.Examples.PhaseTransition.dll"
fi
results="$work/results"
submitted="$(dotnet "$app" sweep slurm --quick --results "$results" --tasks 4 --cpus 1 --submit)"
echo "$submitted"
job="$(echo "$submitted" | sed -n 's/^Submitted job array \([0-9]*\);.*/\1/p')"
[ -n "$job" ] || { echo "slurm-sweep-check: no job id in the output of sbatch" >&2; exit 1; }

for _ in $(seq 1 600); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 1
done
if [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; then
  echo "slurm-sweep-check: job array $job still running after 10 minutes" >&2
  squeue -j "$job" >&2
  exit 1
fi

completed="$(grep -c "JobState=COMPLETED" "$work/jobcomp.txt" || true)"
echo "slurm-sweep-check: $completed of 4 array tasks completed (jobcomp)"
if [ "$completed" -ne 4 ]; then
  cat "$work/jobcomp.txt" >&2 || true
  cat "$results"/slurm-*.out >&2 || true
  exit 1
fi

dotnet "$app" sweep report --quick --results "$results" --out "$results/report"
for network in quick-mlp quick-mlp-gaussian; do
  if ! grep -q "^| $network | Gaussian |" "$results/report/summary.md"; then
    echo "slurm-sweep-check: the report has no row for $network" >&2
    exit 1
  fi
done
echo "slurm-sweep-check: the job array trained every point and the report merged them"
trap - EXIT
stop
rm -rf "$work"
