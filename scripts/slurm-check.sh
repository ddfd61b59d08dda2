#!/usr/bin/env bash
# Runs Ibex under Slurm on a single-node cluster that this script starts on this machine: installs Debian's slurm-wlm
# and munge when missing, writes a minimal configuration (no cgroups: proctrack/linuxproc, task/none), starts munged,
# slurmctld and slurmd, then
#  1. submits the quick sweep as a job array ('sweep slurm --submit'), waits for it (squeue), checks every task completed
#     (jobcomp/filetxt stands in for an accounting store) and merges the results with 'sweep report';
#  2. submits the hosted worker as one data-parallel job of 2 tasks started by 'srun --mpi=pmi2' (MPICH, see
#     docs/distributed.md) and checks that both ranks trained and rank 0 wrote the report;
# and stops the daemons. Slurm is started here, never assumed. Needs root (CI runs as root).
# Usage: bash scripts/slurm-check.sh   (IBEX_SWEEP_APP / IBEX_WORKER_APP name already built apps)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/ibex-slurm.XXXXXX)"
chmod 755 "$work"
conf="$work/slurm.conf"
export SLURM_CONF="$conf"

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-check: starting Slurm's daemons needs root." >&2
  exit 1
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "slurm-check: installing slurm-wlm and munge (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

stop() {
  scontrol shutdown >/dev/null 2>&1 || true
  for pid in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
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
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed"

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
  echo "slurm-check: the node did not come up (state '$state'); slurmctld log:" >&2
  tail -20 "$work/slurmctld.log" >&2 || true
  tail -20 "$work/slurmd.log" >&2 || true
  exit 1
fi
echo "slurm-check: single-node cluster up ($node, $cpus CPUs)"

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
[ -n "$job" ] || { echo "slurm-check: no job id in the output of sbatch" >&2; exit 1; }

for _ in $(seq 1 600); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 1
done
if [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; then
  echo "slurm-check: job array $job still running after 10 minutes" >&2
  squeue -j "$job" >&2
  exit 1
fi

completed="$(grep -c "JobState=COMPLETED" "$work/jobcomp.txt" || true)"
echo "slurm-check: $completed of 4 array tasks completed (jobcomp)"
if [ "$completed" -ne 4 ]; then
  cat "$work/jobcomp.txt" >&2 || true
  cat "$results"/slurm-*.out >&2 || true
  exit 1
fi

dotnet "$app" sweep report --quick --results "$results" --out "$results/report"
for network in quick-mlp quick-mlp-gaussian; do
  if ! grep -q "^| $network | Gaussian |" "$results/report/summary.md"; then
    echo "slurm-check: the report has no row for $network" >&2
    exit 1
  fi
done
echo "slurm-check: the job array trained every point and the report merged them"

# 2. Data-parallel training: one job, 2 tasks, one MPI rank each.
worker="${IBEX_WORKER_APP:-}"
if [ -z "$worker" ]; then
  dotnet build "$repo/examples/WorkerService" -c Release -v q -nologo >/dev/null
  worker="$repo/examples/WorkerService/bin/Release/net10.0/Ibex.Examples.WorkerService.dll"
fi
run="$work/data-parallel"
mkdir -p "$run"
cat > "$run/train.sbatch" <<SBATCH
#!/bin/bash
#SBATCH --job-name=ibex-data-parallel
#SBATCH --ntasks=2
#SBATCH --cpus-per-task=1
#SBATCH --output=$run/slurm-%j.out
srun --mpi=pmi2 dotnet "$worker" --Ibex:Training:Device=cpu --Ibex:Training:Epochs=2 --Ibex:Training:BatchSize=100 \
  --Ibex:Training:Data:Source=Synthetic --Ibex:Training:Data:SyntheticExamples=2000 --Ibex:Training:MonteCarloSamples=4 \
  --Ibex:Training:CheckpointDirectory=$run/checkpoints --Ibex:Training:OutputDirectory=$run/output
SBATCH
submitted="$(sbatch "$run/train.sbatch")"
echo "$submitted"
job="$(echo "$submitted" | sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p')"
[ -n "$job" ] || { echo "slurm-check: no job id in the output of sbatch" >&2; exit 1; }
for _ in $(seq 1 300); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 1
done
log="$run/slurm-$job.out"
if ! grep -q "JobId=$job .*JobState=COMPLETED" "$work/jobcomp.txt" || [ ! -f "$run/output/report.json" ] \
   || ! grep -q "Training data-parallel over 2 processes" "$log"; then
  echo "slurm-check: the data-parallel job $job did not complete as expected; its output:" >&2
  cat "$log" >&2 || true
  grep "JobId=$job " "$work/jobcomp.txt" >&2 || true
  exit 1
fi
echo "slurm-check: srun --mpi=pmi2 trained the worker on 2 ranks; rank 0 wrote $run/output/report.json"
trap - EXIT
stop
rm -rf "$work"
