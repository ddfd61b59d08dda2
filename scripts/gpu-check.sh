#!/usr/bin/env bash
# The GPU check, in two halves.
#
#   scripts/gpu-check.sh pack          On a CPU machine with the .NET SDK: publishes bench/GpuCheck self-contained for
#                                      linux-x64 WITHOUT libtorch (IbexTorchBackend=external), adds a Fashion-MNIST subset
#                                      and the PyTorch reference, and packs artifacts/gpu-check.tar.xz (must stay < 64 MiB).
#   scripts/gpu-check.sh run ARCHIVE   On the GPU machine (a pip PyTorch with CUDA, no .NET, no NuGet, no network):
#                                      checks that LibTorchSharp's symbols resolve against that PyTorch's libtorch, trains
#                                      the example network on CUDA and on the CPU with the same seed and compares them, times
#                                      one training step against PyTorch eager and torch.compile, and prints one table.
set -euo pipefail

TRAIN_SIZE=${TRAIN_SIZE:-20000}
EPOCHS=${EPOCHS:-3}
CNN_EPOCHS=${CNN_EPOCHS:-2}
SEED=${SEED:-7}
STEPS=${STEPS:-200}
# For a dry run of the "run" half on a CPU machine: CHECK_DEVICE=cpu LIBTORCH_DIR=<a libtorch 2.10 folder>.
CHECK_DEVICE=${CHECK_DEVICE:-cuda}
PYTHON=${PYTHON:-python3}

pack() {
  local root out
  root=$(cd "$(dirname "$0")/.." && pwd)
  out="$root/artifacts/gpu-check"
  rm -rf "$out" "$root/artifacts/gpu-check.tar.xz"
  mkdir -p "$out/app" "$out/data"
  dotnet publish "$root/bench/GpuCheck" -c Release -r linux-x64 --self-contained -p:IbexTorchBackend=external -o "$out/app" -v q -nologo
  if ls "$out/app" | grep -q -E '^libtorch(_cpu)?\.so$'; then
    echo "pack: a libtorch slipped into the publish folder; the GPU machine's own must be used" >&2
    exit 1
  fi
  python3 - "$out/data" <<'PY'
import gzip, struct, sys
source, target = "/usr/share/datasets/fashion-mnist", sys.argv[1]
limits = {"train": int(__import__("os").environ.get("TRAIN_SIZE", "20000")), "t10k": 10000}
for split, keep in limits.items():
    for kind, item in (("images-idx3", 784), ("labels-idx1", 1)):
        name = f"{split}-{kind}-ubyte.gz"
        data = gzip.open(f"{source}/{name}").read()
        rank = data[3]
        dims = list(struct.unpack(f">{rank}I", data[4:4 + 4 * rank]))
        dims[0] = min(dims[0], keep)
        header = data[:4] + struct.pack(f">{rank}I", *dims)
        body = data[4 + 4 * rank: 4 + 4 * rank + dims[0] * item]
        with gzip.open(f"{target}/{name}", "wb", compresslevel=9) as f:
            f.write(header + body)
PY
  cp "$root/bench/GpuCheck/pytorch_step.py" "$root/scripts/gpu-check.sh" "$out/"
  tar -C "$root/artifacts" -cJf "$root/artifacts/gpu-check.tar.xz" gpu-check
  local bytes
  bytes=$(stat -c %s "$root/artifacts/gpu-check.tar.xz")
  echo "pack: artifacts/gpu-check.tar.xz is $bytes bytes ($((bytes / 1048576)) MiB); publish folder $(du -sh "$out/app" | cut -f1)"
  if [ "$bytes" -ge $((64 * 1048576)) ]; then
    echo "pack: the archive is over 64 MiB" >&2
    exit 1
  fi
}

run() {
  local archive=$1 work
  work=$(mktemp -d)
  tar -C "$work" -xJf "$archive"
  local dir="$work/gpu-check" app="$work/gpu-check/app/Ibex.Bench.GpuCheck"
  local libtorch
  libtorch=${LIBTORCH_DIR:-$("$PYTHON" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')}
  echo "== GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo unknown)"
  echo "== PyTorch: $("$PYTHON" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)') at $libtorch"
  echo "== 1. LibTorchSharp (built for libtorch 2.10.0) against this libtorch"
  local symbols=0
  "$app" symbols "$libtorch" | tee "$work/symbols.txt" | head -40 || symbols=$?
  if [ "$symbols" -ne 0 ]; then
    echo "RESULT: LibTorchSharp cannot run against this libtorch: $(grep -c '^  ' "$work/symbols.txt") symbols missing:"
    grep '^  ' "$work/symbols.txt" | (command -v c++filt >/dev/null && c++filt || cat)
    echo "== What the dynamic loader says (torch's libraries loaded first, then LibTorchSharp with RTLD_NOW):"
    "$PYTHON" - "$dir/app/libLibTorchSharp.so" "$libtorch" <<'PY' || true
import ctypes, os, sys
for name in ("libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"):
    path = os.path.join(sys.argv[2], name)
    if os.path.exists(path):
        ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
try:
    ctypes.CDLL(sys.argv[1], mode=os.RTLD_NOW)
    print("loads")
except OSError as error:
    print(error)
PY
    return 0
  fi
  export IBEX_LIBTORCH_PATH="$libtorch" IBEX_LIBTORCH_ALLOW_VERSION_MISMATCH=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
  echo "== 2. The same weights on the CPU and on $CHECK_DEVICE: mean network, Ĩ, gradients, moments of the noisy scores"
  for network in mlp cnn; do
    "$app" parity "$network" "$CHECK_DEVICE" "$dir/data" "$SEED" "$work/parity-$network.json"
  done
  echo "== 3. Train from the same weights and seed on $CHECK_DEVICE and on the CPU: MLP $EPOCHS epochs, CNN $CNN_EPOCHS, $TRAIN_SIZE images"
  "$app" train mlp "$CHECK_DEVICE" "$dir/data" "$TRAIN_SIZE" "$EPOCHS" "$SEED" "$work/mlp-cuda.json"
  "$app" train mlp cpu "$dir/data" "$TRAIN_SIZE" "$EPOCHS" "$SEED" "$work/mlp-cpu.json"
  "$app" train cnn "$CHECK_DEVICE" "$dir/data" "$TRAIN_SIZE" "$CNN_EPOCHS" "$SEED" "$work/cnn-cuda.json"
  "$app" train cnn cpu "$dir/data" "$TRAIN_SIZE" "$CNN_EPOCHS" "$SEED" "$work/cnn-cpu.json"
  echo "== 4. One training step of the MLP (forward with noise, KL, cross-entropy, backward, Adam), median of $STEPS"
  for batch in 128 512; do
    "$app" time "$CHECK_DEVICE" "$batch" "$STEPS" "$work/ibex-$batch.json"
    "$PYTHON" "$dir/pytorch_step.py" "$CHECK_DEVICE" "$batch" "$STEPS" > "$work/torch-$batch.json"
    cat "$work/torch-$batch.json"
  done
  "$PYTHON" - "$work" "$CHECK_DEVICE" <<'PY'
import json, sys
w, device = sys.argv[1], sys.argv[2].upper()
print(f"\n| same weights, mean network and gradients | MLP | CNN |")
print("|---|---|---|")
parity = {n: json.load(open(f"{w}/parity-{n}.json")) for n in ("mlp", "cnn")}
rows = [("largest |score| (CPU)", "evalMaxAbsScore", "{:.3f}"), ("largest score difference", "evalMaxAbsDifference", "{:.2e}"),
        ("predictions that agree", "evalPredictionsAgree", "{:.4f}"), ("Ĩ(w;D), CPU (nats)", "informationCpu", "{:.1f}"),
        (f"Ĩ(w;D), {device} (nats)", "informationDevice", "{:.1f}"),
        ("worst relative gradient error", "gradientWorstRelativeError", "{:.2e}"), ("  in parameter", "gradientWorstParameter", "{}"),
        ("noisy scores: largest |z| of the mean difference", "trainMeanMaxAbsZ", "{:.2f}"),
        (f"noisy scores: variance {device} / CPU", "trainVarianceRatio", "{:.4f}"),
        ("training-mode information, CPU", "trainInformationCpu", "{:.1f}"), (f"training-mode information, {device}", "trainInformationDevice", "{:.1f}")]
for label, key, fmt in rows:
    print(f"| {label} | {fmt.format(parity['mlp'][key])} | {fmt.format(parity['cnn'][key])} |")
ok = all(p["evalPredictionsAgree"] >= 0.999 and p["gradientWorstRelativeError"] < 1e-3 and p["trainMeanMaxAbsZ"] < 6
         and abs(p["trainVarianceRatio"] - 1) < 0.1 for p in parity.values())
print(f"\nparity (same weights): {'PASS' if ok else 'FAIL'} (predictions ≥ 99.9% equal, gradients within 1e-3, |z| < 6, variance within 10%)")
for network in ("mlp", "cnn"):
    cpu, cuda = json.load(open(f"{w}/{network}-cpu.json")), json.load(open(f"{w}/{network}-cuda.json"))
    print(f"\n| {network.upper()} training | CPU | {device} |")
    print("|---|---|---|")
    for e, (a, b) in enumerate(zip(cpu["crossEntropy"], cuda["crossEntropy"]), 1):
        print(f"| epoch {e} training cross-entropy (nats) | {a:.4f} | {b:.4f} |")
    print(f"| final Ĩ(w;D)/N (nats/sample) | {cpu['informationPerSample'][-1]:.4f} | {cuda['informationPerSample'][-1]:.4f} |")
    print(f"| final test accuracy (10,000 images) | {cpu['testAccuracy']:.4f} | {cuda['testAccuracy']:.4f} |")
    print(f"| wall time (s) | {cpu['seconds']:.1f} | {cuda['seconds']:.1f} |")
    gap = abs(cpu["testAccuracy"] - cuda["testAccuracy"])
    print(f"\n{network} parity (training): test accuracy differs by {gap * 100:.2f} points ({'within' if gap <= 0.01 else 'OUTSIDE'} 1 point)")
print(f"\n| training step, {device} | Ibex (ms) | PyTorch eager (ms) | PyTorch torch.compile (ms) | Ibex / eager | Ibex / compile |")
print("|---|---|---|---|---|---|")
for batch in (128, 512):
    ibex, torch_ = json.load(open(f"{w}/ibex-{batch}.json")), json.load(open(f"{w}/torch-{batch}.json"))
    compiled = torch_.get("compiledMs")
    c = f"{compiled:.3f}" if compiled else torch_.get("compileError", "n/a")
    rc = f"{ibex['medianMs'] / compiled:.2f}" if compiled else "n/a"
    print(f"| batch {batch} | {ibex['medianMs']:.3f} | {torch_['eagerMs']:.3f} | {c} | {ibex['medianMs'] / torch_['eagerMs']:.2f} | {rc} |")
PY
}

case "${1:-}" in
  pack) pack ;;
  run) run "${2:?usage: gpu-check.sh run ARCHIVE}" ;;
  *) echo "usage: scripts/gpu-check.sh pack | run ARCHIVE" >&2; exit 2 ;;
esac
