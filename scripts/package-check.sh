#!/usr/bin/env bash
# Uses Ibex as a new user would, from its packages alone: packs Dsl.sln into a local feed, then, in a fresh folder outside
# the repository with an empty package cache and a NuGet configuration that adds only that feed, installs the templates,
# creates a project from each, builds both with warnings as errors, trains the console project (a CNN) for 1 epoch on
# 5,000 Fashion-MNIST images and predicts, and runs the worker (an MLP) for 1 epoch. A project that leaves the generator
# out must fail with Ibex's one message (IBX9000). Prints the packages' sizes and the cold restore time. Any failure
# exits non-zero. Needs Fashion-MNIST (scripts/setup.sh) and the package registry.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ibex-package-check.XXXXXX")
keep=${IBEX_KEEP_PACKAGE_CHECK:-0}
cleanup() { if [ "$keep" = 1 ]; then echo "package-check: left $work in place"; else rm -rf "$work"; fi; }
trap cleanup EXIT

fail() {
  echo "package-check: FAILED: $1" >&2
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 40 "$2" >&2
  exit 1
}
seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }

feed=$work/feed
echo "package-check: $(df -h --output=avail "$work" | tail -1 | tr -d ' ') free where it works ($work)"
echo "package-check: packing Dsl.sln into $feed"
dotnet pack "$root/Dsl.sln" -c Release -o "$feed" -nologo -v q > "$work/pack.log" 2>&1 || fail "dotnet pack" "$work/pack.log"
# Any warning, with a code or without one (the SDK's own pack warnings have none).
if grep -Ei ': warning' "$work/pack.log"; then fail "dotnet pack printed warnings" "$work/pack.log"; fi
for package in "$feed"/*.nupkg "$feed"/*.snupkg; do
  printf 'package-check: %-28s %8.1f KiB\n' "$(basename "$package")" "$(awk -v b="$(stat -c %s "$package")" 'BEGIN { print b / 1024 }')"
done
version=$(basename "$feed"/Ibex.Templates.*.nupkg .nupkg); version=${version#Ibex.Templates.}

# A user's machine: an empty package cache, its own dotnet home (template installs), a folder outside the repository.
export NUGET_PACKAGES=$work/nuget-packages
export DOTNET_CLI_HOME=$work/home
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$NUGET_PACKAGES" "$DOTNET_CLI_HOME" "$work/user"
cd "$work/user"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="ibex-local" value="$feed" />
  </packageSources>
</configuration>
XML

dotnet new install "$feed/Ibex.Templates.$version.nupkg" > "$work/install.log" 2>&1 || fail "dotnet new install" "$work/install.log"
dotnet new ibex-console -n ConsoleApp -o ConsoleApp > "$work/new-console.log" 2>&1 || fail "dotnet new ibex-console" "$work/new-console.log"
dotnet new ibex-worker -n WorkerApp -o WorkerApp > "$work/new-worker.log" 2>&1 || fail "dotnet new ibex-worker" "$work/new-worker.log"

start=$(seconds)
dotnet restore ConsoleApp > "$work/restore.log" 2>&1 || fail "cold restore of ConsoleApp" "$work/restore.log"
echo "package-check: cold restore of the console project (empty cache): $(elapsed "$start") s, cache now $(du -sh "$NUGET_PACKAGES" | cut -f1)"

for app in ConsoleApp WorkerApp; do
  dotnet build "$app" -warnaserror -nologo > "$work/build-$app.log" 2>&1 || fail "dotnet build $app" "$work/build-$app.log"
  grep -q ' 0 Warning(s)' "$work/build-$app.log" || fail "$app built with warnings" "$work/build-$app.log"
  echo "package-check: $app built with 0 warnings"
done

dotnet run --project ConsoleApp --no-build -- --epochs 1 --train-size 5000 > "$work/run-console.log" 2>&1 \
  || fail "the console project's run" "$work/run-console.log"
grep -E '^(epoch|Loaded|test image 0)' "$work/run-console.log" | sed 's/^/package-check: console: /'
grep -q '^test image 7: ' "$work/run-console.log" || fail "the console project printed no predictions" "$work/run-console.log"

(cd WorkerApp && dotnet run --no-build -- --Ibex:Training:Epochs=1 --Ibex:Training:Data:TrainSize=5000 --Ibex:Training:MonteCarloSamples=4) \
  > "$work/run-worker.log" 2>&1 || fail "the worker project's run" "$work/run-worker.log"
[ -s WorkerApp/runs/output/report.json ] || fail "the worker wrote no report.json" "$work/run-worker.log"
# dotnet run uses launchSettings.json (the Development environment): its logs must stay at Information.
if grep -q 'dbug:' "$work/run-worker.log"; then fail "the worker template printed debug logs" "$work/run-worker.log"; fi
[ -s WorkerApp/runs/output/network.ibexnet ] || fail "the worker wrote no network.ibexnet" "$work/run-worker.log"
echo "package-check: worker: $(grep -o '"epochs": *[0-9]*' WorkerApp/runs/output/report.json | head -1), report.json and network.ibexnet written"

# Without the generator the build must stop at Ibex's one message, not at a CS9248 per layer. A package reference cannot
# lose it (the SDK keeps Ibex.Dsl's analyzer even with ExcludeAssets="analyzers"), so this project removes it by hand,
# as a build that references Ibex's assemblies without the generator ends up.
mkdir NoGenerator
cp ConsoleApp/ImageClassifier.cs NoGenerator/
cat > NoGenerator/NoGenerator.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Library</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Ibex" Version="$version" />
  </ItemGroup>
  <Target Name="RemoveIbexGenerator" AfterTargets="ResolveLockFileAnalyzers">
    <ItemGroup>
      <Analyzer Remove="@(Analyzer)" Condition="'%(Filename)' == 'Ibex.Generators'" />
    </ItemGroup>
  </Target>
</Project>
XML
if dotnet build NoGenerator -nologo > "$work/build-nogenerator.log" 2>&1; then fail "a project without the generator built" "$work/build-nogenerator.log"; fi
grep -q 'error IBX9000' "$work/build-nogenerator.log" || fail "no IBX9000 for the missing generator" "$work/build-nogenerator.log"
if grep -q 'CS9248' "$work/build-nogenerator.log"; then fail "CS9248 beside IBX9000" "$work/build-nogenerator.log"; fi
echo "package-check: without the generator: $(grep -o 'error IBX9000: [^.]*\.' "$work/build-nogenerator.log" | head -1)"

echo "package-check: passed"
