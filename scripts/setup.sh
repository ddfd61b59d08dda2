#!/usr/bin/env bash
# Installs what Ibex's example and tests need on a fresh Debian/Ubuntu machine: the Fashion-MNIST IDX files
# (Debian package dataset-fashion-mnist, into /usr/share/datasets/fashion-mnist). NuGet packages are restored by dotnet.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET SDK (10.0.4xx) is not on PATH; install it first (https://dot.net)." >&2
  exit 1
fi

dataset=/usr/share/datasets/fashion-mnist
if [ ! -f "$dataset/t10k-labels-idx1-ubyte.gz" ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "setup: installing dataset-fashion-mnist needs root; run as root or install sudo." >&2
      exit 1
    fi
  fi
  echo "setup: installing the Fashion-MNIST dataset (apt package dataset-fashion-mnist)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
  if [ ! -f "$dataset/$f" ]; then
    echo "setup: $dataset/$f is still missing after installing dataset-fashion-mnist." >&2
    exit 1
  fi
done
echo "setup: Fashion-MNIST is in $dataset"
