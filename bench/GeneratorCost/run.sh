#!/usr/bin/env bash
# Measures what the Ibex generator adds to a build: a project declaring 50 networks (MLPs and CNNs with every layer
# kind) built with the generator, against the same project built without it, which compiles the generator's output as
# ordinary source files instead. Both are full rebuilds of that project alone (--no-incremental --no-dependencies: the
# referenced Dsl, Runtime and generator assemblies are built once beforehand), medians of RUNS each.
# Also prints the generator's own time as the compiler reports it (-p:ReportAnalyzer=true).
# Usage: bash bench/GeneratorCost/run.sh [RUNS]   (default 5)
set -euo pipefail
runs="${1:-5}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

write_project() { # $1 folder, $2 "with" or "without"
  mkdir -p "$1"
  local analyzer=""
  if [ "$2" = with ]; then
    analyzer="<ProjectReference Include=\"$repo/src/Generators/Ibex.Generators.csproj\" OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" />"
  fi
  cat > "$1/Networks.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <LangVersion>latest</LangVersion>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/src/Dsl/Ibex.Dsl.csproj" />
    <ProjectReference Include="$repo/src/Runtime/Ibex.Runtime.csproj" />
    $analyzer
  </ItemGroup>
</Project>
XML
}

declarations() { # $1 folder: 25 MLPs and 25 CNNs
  for i in $(seq 1 25); do
    cat > "$1/Mlp$i.cs" <<CS
using Ibex.Dsl;
using Ibex.Runtime;
namespace Cost;
[InfoRegularized(0.$i)]
[Input(784)]
public sealed partial class Mlp$i
{
    [Stochastic, Dense($((64 + i)))] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic(Noise = NoiseFamily.Gaussian), Dense(32)] public partial Layer Hidden2 { get; }
    [BatchNorm] public partial Layer Norm { get; }
    [Stochastic, Softplus] public partial Layer Activation2 { get; }
    [Dropout(0.1)] public partial Layer Drop { get; }
    [SiLU] public partial Layer Swish { get; }
    [Stochastic(AlphaSharing = AlphaSharing.PerUnit), Dense(10)] public partial Layer Scores { get; }
}
CS
    cat > "$1/Cnn$i.cs" <<CS
using Ibex.Dsl;
using Ibex.Runtime;
namespace Cost;
[InfoRegularized(0.$i)]
[Input(1, 28, 28)]
public sealed partial class Cnn$i
{
    [Stochastic, Conv2d($((8 + i)), 3, Padding = 1)] public partial Layer Conv1 { get; }
    [BatchNorm] public partial Layer Norm1 { get; }
    [Stochastic, ReLU] public partial Layer Activation1 { get; }
    [Identity] public partial Layer BlockStart { get; }
    [Conv2d($((8 + i)), 3, Padding = 1)] public partial Layer Conv2 { get; }
    [Sigmoid] public partial Layer Gate { get; }
    [Residual(nameof(BlockStart))] public partial Layer Skip { get; }
    [Stochastic(AlphaSharing = AlphaSharing.PerUnit), Conv2d($((16 + 2 * i)), 3, Stride = 2, Padding = 2, Dilation = 2, Groups = $((i % 2 == 0 ? 2 : 1)))] public partial Layer Down { get; }
    [LayerNorm] public partial Layer Norm2 { get; }
    [GELU] public partial Layer Activation2 { get; }
    [Residual(nameof(Skip), Projection = true)] public partial Layer Project { get; }
    [LeakyReLU(0.1)] public partial Layer Leak { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [AvgPool2d(2, Stride = 1)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
CS
  done
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

time_builds() { # $1 folder → median seconds of full rebuilds
  (cd "$1" && dotnet build -c Release --no-restore -v q >/dev/null)
  for _ in $(seq 1 "$runs"); do
    local start end
    start=$(date +%s.%N)
    (cd "$1" && dotnet build -c Release --no-restore --no-incremental --no-dependencies -v q >/dev/null)
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
  done | median
}

write_project "$work/with" with
declarations "$work/with"
(cd "$work/with" && dotnet restore -v q >/dev/null && dotnet build -c Release --no-restore -v q >/dev/null)
generated="$work/with/obj/Release/net10.0/generated/Ibex.Generators/Ibex.Generators.NetworkGenerator"
echo "generated files: $(ls "$generated" | wc -l), $(cat "$generated"/*.cs | wc -l) lines"

write_project "$work/without" without
declarations "$work/without"
cp "$generated"/*.cs "$work/without/"
(cd "$work/without" && dotnet restore -v q >/dev/null)

with=$(time_builds "$work/with")
without=$(time_builds "$work/without")
echo "full rebuild, median of $runs: with the generator ${with} s, without it (its output compiled as source) ${without} s, difference $(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.2f", a - b }') s"

(cd "$work/with" && dotnet build -c Release --no-restore --no-incremental --no-dependencies -v d -p:ReportAnalyzer=true 2>&1) \
  | grep -E "Ibex.Generators.NetworkGenerator|Total analyzer execution time|Total generator execution time" | sed 's/^ *//' | sort -u | head -5
