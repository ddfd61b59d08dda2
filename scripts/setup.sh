#!/usr/bin/env bash
# Installs what Ibex's example and tests need on a fresh Debian/Ubuntu machine: the Fashion-MNIST IDX files
# (Debian package dataset-fashion-mnist, into /usr/share/datasets/fashion-mnist) and ONNX's own model checker (python3-onnx,
# which the ONNX export tests run on every exported model) and MPICH (mpiexec and libmpich.so.12, which data-parallel training
# and its tests use), Chromium (the browser the report.html test opens pages in, through Playwright) and Prometheus (the
# server scripts/prometheus-check.sh scrapes a training worker with), and scikit-learn's data files (python3-sklearn: the
# Fashion-MNIST example's --calibrate reads its handwritten digits as out-of-distribution images; no Python runs).
# NuGet packages are restored by dotnet.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK (10.0.4xx) is not on PATH; install it first (https://dot.net)." >&2
  exit 1
fi

# grep reads the whole listing: with pipefail, `grep -q` would stop early and ldconfig's SIGPIPE would fail the test.
mpich_library_cached() { ldconfig -p 2>/dev/null | grep 'libmpich\.so\.12' >/dev/null; }

dataset=/usr/share/datasets/fashion-mnist
missing=()
[ -f "$dataset/t10k-labels-idx1-ubyte.gz" ] || missing+=(dataset-fashion-mnist)
/usr/bin/python3 -c "import onnx" >/dev/null 2>&1 || missing+=(python3-onnx)
if ! command -v mpiexec >/dev/null 2>&1 || ! mpich_library_cached; then missing+=(mpich); fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
digits=/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
[ -f "$digits" ] || missing+=(python3-sklearn)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: installing ${missing[*]} needs root; run as root or install sudo." >&2
      exit 1
    fi
  fi
  echo "setup: installing ${missing[*]} (apt)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! /usr/bin/python3 -c "import onnx" >/dev/null 2>&1; then
  echo "setup: python3-onnx is installed but /usr/bin/python3 cannot import onnx." >&2
  exit 1
fi

for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  if [ ! -f "$dataset/$f" ]; then
    echo "setup: $dataset/$f is still missing after installing dataset-fashion-mnist." >&2
    exit 1
  fi
done
if ! mpich_library_cached; then
  echo "setup: mpich is installed but libmpich.so.12 is not in the linker cache." >&2
  exit 1
fi
if [ ! -f "$digits" ]; then
  echo "setup: $digits is still missing after installing python3-sklearn." >&2
  exit 1
fi
for tool in chromium prometheus; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "setup: $tool is still not on PATH after installing it." >&2
    exit 1
  fi
done
echo "setup: $(chromium --version 2>/dev/null | head -1); $(prometheus --version 2>&1 | head -1)"
echo "setup: Fashion-MNIST is in $dataset; ONNX's checker is $(/usr/bin/python3 -c 'import onnx; print("onnx " + onnx.__version__)'); MPICH $(mpichversion 2>/dev/null | awk -F'\t' '/MPICH Version/ {print $2}')"
