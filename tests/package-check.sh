#!/usr/bin/env bash
# Checks the NuGet packages as a new user gets them: packs every package to a local folder feed with a version of
# its own (0.1.0-local.<UTC time>, so nothing stale can be picked up), then builds fresh console apps OUTSIDE the
# repository, each referencing ONE package, and runs them:
#   sandbox  SkWasmPlugin.Sandbox          runs print(6*7), prints 42; publish carries guest/ too
#   ai       SkWasmPlugin.AI               invokes execute_python from WasmSandboxTools.Create(sandbox)
#   sk       SkWasmPlugin.SemanticKernel   kernel.Plugins.AddWasmCodeInterpreter(sandbox), invokes execute_python
#   mcp      SkWasmPlugin.Mcp              AddMcpServer().WithWasmSandboxTools(): lists the tools, runs one
#   tool     SkWasmPlugin.Mcp.Tool         dotnet tool install --tool-path; skwasm-mcp --help; one MCP exchange over stdio
# and measures the ai app's build output with and without a RuntimeIdentifier.
#
#   tests/package-check.sh
#
# The apps restore into a private NUGET_PACKAGES folder (third-party packages come from the NuGet sources configured
# on the machine, so the first restore downloads them: that is most of the run time). Environment:
# PACKAGE_CHECK_DIR (work folder, default a new temp folder, removed afterwards unless PACKAGE_CHECK_KEEP=1).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
VERSION="0.1.0-local.$(date -u +%Y%m%d%H%M%S)"
WORK="${PACKAGE_CHECK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/skwasm-package-check.XXXXXX")}"
case "$WORK/" in "$ROOT"/*) echo "package-check: PACKAGE_CHECK_DIR must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$WORK"
[[ "${PACKAGE_CHECK_KEEP:-0}" == 1 ]] || trap 'rm -rf "$WORK"' EXIT
FEED="$WORK/feed"
LOGS="$WORK/logs"
mkdir -p "$FEED" "$LOGS"
START=$SECONDS
PASSED=0
FAILED=0

# check NAME COMMAND...: runs COMMAND with its output in a log, counts it, shows the log's end when it fails.
check() {
  local name="$1"; shift
  local log="$LOGS/${name//[^A-Za-z0-9._-]/_}.log"
  if "$@" >"$log" 2>&1; then
    PASSED=$((PASSED + 1)); echo "ok    $name ($((SECONDS - START)) s)"
  else
    FAILED=$((FAILED + 1)); echo "FAIL  $name"; tail -n 40 "$log" | sed 's/^/      /'
  fi
}
# contains FILE TEXT: FILE has TEXT (shown on failure).
contains() { grep -qF -- "$2" "$1" || { echo "'$2' not in $1:"; cat "$1"; return 1; }; }

PACKAGES=(SkWasmPlugin.Sandbox SkWasmPlugin.Sandbox.AzureBlob SkWasmPlugin.AI SkWasmPlugin.SemanticKernel SkWasmPlugin.AgentFramework
          SkWasmPlugin.Mcp SkWasmPlugin.Mcp.Tool SkWasmPlugin.Cli SkWasmPlugin.Orleans)

# --- The packages -------------------------------------------------------------------------------------------------
check "THIRD-PARTY-NOTICES.txt is current" "$ROOT/src/write-third-party-notices.sh" --check
# One build of the packable projects (a solution filter), Release, into the work folder: the checkout's bin/ and obj/
# stay as they are.
pack_all() {
  local projects=""
  for p in "${PACKAGES[@]}"; do projects+="\"src/$p/$p.csproj\","; done
  printf '{ "solution": { "path": "%s", "projects": [%s] } }\n' "$ROOT/SkWasmPlugin.sln" "${projects%,}" >"$WORK/packages.slnf"
  dotnet pack "$WORK/packages.slnf" -c Release -o "$FEED" -p:Version="$VERSION" \
    -p:UseArtifactsOutput=true -p:ArtifactsPath="$WORK/artifacts" --nologo -v q || return 1
  rm -rf "$WORK/artifacts"   # about 4 GB of build output, not needed past this point
  for p in "${PACKAGES[@]}"; do [[ -f "$FEED/$p.$VERSION.nupkg" ]] || { echo "no $p.$VERSION.nupkg"; return 1; }; done
}
check "pack ${#PACKAGES[@]} packages" pack_all

# has_entries PACKAGE PATH...: the package's zip has each PATH.
has_entries() {
  local nupkg="$FEED/$1.$VERSION.nupkg"; shift
  local list; list="$(unzip -Z1 "$nupkg")"
  for entry in "$@"; do grep -qxF -- "$entry" <<<"$list" || { echo "$nupkg has no $entry"; return 1; }; done
}
# nuspec_has PACKAGE TEXT...: the package's .nuspec has each TEXT.
nuspec_has() {
  local nupkg="$FEED/$1.$VERSION.nupkg"; shift
  local spec; spec="$(unzip -p "$nupkg" "*.nuspec")"
  for text in "$@"; do grep -qF -- "$text" <<<"$spec" || { echo "$nupkg: nuspec has no $text"; echo "$spec"; return 1; }; done
}
lacks_package_type() { ! unzip -p "$FEED/$1.$VERSION.nupkg" "*.nuspec" | grep -q "packageType"; }
for p in "${PACKAGES[@]}"; do
  check "$p carries README.md and THIRD-PARTY-NOTICES.txt" has_entries "$p" README.md THIRD-PARTY-NOTICES.txt
  check "$p metadata" nuspec_has "$p" "<readme>README.md</readme>" '<license type="expression">Apache-2.0</license>' \
    '<repository type="git"' "<tags>"
done
check "SkWasmPlugin.Sandbox carries the runtimes, their licences and the transitive targets" has_entries SkWasmPlugin.Sandbox \
  buildTransitive/SkWasmPlugin.Sandbox.targets guest/python/python.wasm guest/quickjs/qjs.wasm guest/data/packages.json \
  guest/python/lib/python3.11/_skwasm.pyc guest/licenses/cpython.txt guest/licenses/quickjs.txt guest/licenses/sqlite3.txt \
  guest/licenses/python-packages/sympy.txt guest/manifest.json
check "SkWasmPlugin.AI carries the font licence" has_entries SkWasmPlugin.AI licenses/LICENSE.DejaVu
check "SkWasmPlugin.Mcp is a library, not a tool" lacks_package_type SkWasmPlugin.Mcp
check "SkWasmPlugin.Mcp.Tool is a .NET tool" nuspec_has SkWasmPlugin.Mcp.Tool '<packageType name="DotnetTool" />'

# --- Apps outside the repository, one package each ---------------------------------------------------------------
export NUGET_PACKAGES="$WORK/nuget-packages"
APPS="$WORK/apps"
mkdir -p "$APPS"
# Stop MSBuild's walk up the folders here, whatever lies above the temp folder.
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo "<Project />" >"$WORK/$f"; done
# The local feed on top of the sources configured on this machine (user and machine NuGet.config).
cat >"$WORK/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="skwasm-local" value="$FEED" />
  </packageSources>
</configuration>
EOF

# new_app NAME PACKAGE: a console project referencing PACKAGE only; Program.cs from stdin.
new_app() {
  local dir="$APPS/$1"
  mkdir -p "$dir"
  cat >"$dir/$1.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="$2" Version="$VERSION" />
  </ItemGroup>
</Project>
EOF
  cat >"$dir/Program.cs"
}
# run_app NAME TEXT: builds the app, runs it, and expects TEXT in its output and the guest runtimes beside it.
run_app() {
  local dir="$APPS/$1"
  dotnet build "$dir" -c Release -o "$dir/out" --nologo -v q || return 1
  [[ -f "$dir/out/guest/python/python.wasm" && -f "$dir/out/guest/licenses/cpython.txt" ]] \
    || { echo "no guest runtimes in $dir/out"; return 1; }
  dotnet "$dir/out/$1.dll" >"$dir/run.txt" || { cat "$dir/run.txt"; return 1; }
  contains "$dir/run.txt" "$2" || return 1
  [[ "${3:-}" == keep ]] || rm -rf "$dir/out"   # up to 0.9 GB each (every platform's natives)
}

new_app sandbox SkWasmPlugin.Sandbox <<'EOF'
using System.Reflection.PortableExecutable;
using SkWasmPlugin.Sandbox;

await using var sandbox = new WasmCodeSandbox();
var result = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(6*7)"));
Console.Write(result.Stdout);
// Which build of the library the .NET host loaded: the package's ReadyToRun one for this platform (runtimes/RID/lib/).
string location = typeof(WasmCodeSandbox).Assembly.Location;
using (var pe = new PEReader(File.OpenRead(location)))
    Console.WriteLine($"readytorun={pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0} from {Path.GetRelativePath(AppContext.BaseDirectory, location)}");
return result.Outcome == ExecutionOutcome.Success ? 0 : 1;
EOF
check "app: SkWasmPlugin.Sandbox only runs print(6*7)" run_app sandbox 42
# The package carries this assembly compiled ReadyToRun for four platforms; a JIT-compiled app on one of them runs that.
check "SkWasmPlugin.Sandbox carries ReadyToRun code for linux-x64, linux-arm64, osx-arm64, win-x64" has_entries SkWasmPlugin.Sandbox \
  runtimes/linux-x64/lib/net10.0/SkWasmPlugin.Sandbox.dll runtimes/linux-arm64/lib/net10.0/SkWasmPlugin.Sandbox.dll \
  runtimes/osx-arm64/lib/net10.0/SkWasmPlugin.Sandbox.dll runtimes/win-x64/lib/net10.0/SkWasmPlugin.Sandbox.dll
case "$(uname -m)" in aarch64|arm64) HOST_RID=linux-arm64 ;; *) HOST_RID=linux-x64 ;; esac
check "app: SkWasmPlugin.Sandbox only runs the package's ReadyToRun build for $HOST_RID" \
  contains "$APPS/sandbox/run.txt" "readytorun=True from runtimes/$HOST_RID/lib/net10.0/SkWasmPlugin.Sandbox.dll"
publish_sandbox() {
  dotnet publish "$APPS/sandbox" -c Release -o "$APPS/sandbox/publish" --nologo -v q || return 1
  [[ -f "$APPS/sandbox/publish/guest/python/python.wasm" ]] || { echo "no guest/ in the publish folder"; return 1; }
  dotnet "$APPS/sandbox/publish/sandbox.dll" >"$APPS/sandbox/publish.txt" || return 1
  contains "$APPS/sandbox/publish.txt" 42 || return 1
  rm -rf "$APPS/sandbox/publish"
  # Published ReadyToRun itself: the SDK takes the package's compiled assembly as it is.
  dotnet publish "$APPS/sandbox" -c Release -r "$HOST_RID" --self-contained false -p:PublishReadyToRun=true \
    -o "$APPS/sandbox/publish-r2r" --nologo -v q || return 1
  dotnet "$APPS/sandbox/publish-r2r/sandbox.dll" >"$APPS/sandbox/publish-r2r.txt" || return 1
  contains "$APPS/sandbox/publish-r2r.txt" 42 || return 1
  contains "$APPS/sandbox/publish-r2r.txt" "readytorun=True" || return 1
  rm -rf "$APPS/sandbox/publish-r2r"
}
check "app: SkWasmPlugin.Sandbox only, published (plain, and ReadyToRun for $HOST_RID)" publish_sandbox

new_app ai SkWasmPlugin.AI <<'EOF'
using Microsoft.Extensions.AI;
using SkWasmPlugin.AI;
using SkWasmPlugin.Sandbox;

await using var sandbox = new WasmCodeSandbox();
var tools = WasmSandboxTools.Create(sandbox);
var result = await tools["execute_python"].InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["code"] = "print(6*7)" }));
Console.WriteLine(result);
EOF
check "app: SkWasmPlugin.AI only invokes execute_python" run_app ai '"stdout":"42\n"' keep

new_app orleans SkWasmPlugin.Orleans <<'EOF'
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SkWasmPlugin.Orleans;
using SkWasmPlugin.Sandbox;

var builder = Host.CreateApplicationBuilder();
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.Services.AddSingleton<IWorkspaceStorage>(new LocalWorkspaceStorage(Path.Combine(Path.GetTempPath(), "orleans-app-" + Environment.ProcessId)));
    silo.AddWasmSandbox();
});
using var host = builder.Build();
await host.StartAsync();
var sandbox = host.Services.GetRequiredService<ICodeSandbox>();
var session = await sandbox.Sessions.CreateAsync();
await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "n = 6") { SessionId = session.Id });
var result = await sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "print(n * 7)") { SessionId = session.Id });
Console.Write(result.Stdout);
await sandbox.Sessions.DestroyAsync(session.Id);
await host.StopAsync();
return result.Outcome == ExecutionOutcome.Success ? 0 : 1;
EOF
check "app: SkWasmPlugin.Orleans only runs a session on a silo" run_app orleans 42

new_app sk SkWasmPlugin.SemanticKernel <<'EOF'
using Microsoft.SemanticKernel;
using SkWasmPlugin.SemanticKernel;
using SkWasmPlugin.Sandbox;

await using var sandbox = new WasmCodeSandbox();
var kernel = Kernel.CreateBuilder().Build();
var plugin = kernel.Plugins.AddWasmCodeInterpreter(sandbox);
var result = await kernel.InvokeAsync(plugin["execute_python"], new KernelArguments { ["code"] = "print(6*7)" });
Console.WriteLine(result);
EOF
check "app: SkWasmPlugin.SemanticKernel only invokes execute_python" run_app sk '"stdout":"42\n"'

new_app mcp SkWasmPlugin.Mcp <<'EOF'
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Server;
using SkWasmPlugin.AI;
using SkWasmPlugin.Mcp;

var services = new ServiceCollection();
services.AddLogging();
services.AddMcpServer().WithWasmSandboxTools();
await using var provider = services.BuildServiceProvider();
foreach (var tool in provider.GetServices<McpServerTool>()) Console.WriteLine("tool: " + tool.ProtocolTool.Name);
var tools = provider.GetRequiredService<WasmSandboxToolSet>();
Console.WriteLine(await tools["execute_python"].InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["code"] = "print(6*7)" })));
EOF
check "app: SkWasmPlugin.Mcp only registers the MCP tools" run_app mcp "tool: execute_python"
check "app: SkWasmPlugin.Mcp only runs execute_python" contains "$APPS/mcp/run.txt" '"stdout":"42\n"'

# --- The skwasm-mcp tool ------------------------------------------------------------------------------------------
TOOLS="$WORK/tools"
check "tool: dotnet tool install SkWasmPlugin.Mcp.Tool" \
  dotnet tool install SkWasmPlugin.Mcp.Tool --version "$VERSION" --tool-path "$TOOLS" --configfile "$WORK/NuGet.config"
tool_help() { "$TOOLS/skwasm-mcp" --help >"$WORK/tool-help.txt" || return 1; contains "$WORK/tool-help.txt" "--http"; }
check "tool: skwasm-mcp --help" tool_help
# One MCP exchange over stdio: initialize, then execute_python; stdin stays open until the answer arrives.
tool_stdio() {
  local out="$WORK/tool-stdio.txt"
  coproc MCP { "$TOOLS/skwasm-mcp" --store "$WORK/tool-store" 2>"$WORK/tool-stderr.txt"; }
  local pid=$MCP_PID in=${MCP[1]} from=${MCP[0]}
  printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"package-check","version":"1"}}}' \
    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"execute_python","arguments":{"code":"print(6*7)"}}}' >&"$in"
  : >"$out"
  local line status=1
  while IFS= read -r -t 120 line <&"$from"; do
    echo "$line" >>"$out"
    if [[ "$line" == *'"id":2'* ]]; then status=0; break; fi
  done
  exec {in}>&-
  wait "$pid" || true
  [[ $status == 0 ]] || { echo "no answer to tools/call"; cat "$out" "$WORK/tool-stderr.txt"; return 1; }
  contains "$out" '42\\n'
}
check "tool: skwasm-mcp answers execute_python over stdio" tool_stdio

# --- Output size with and without a RuntimeIdentifier (README, "Trimming the output") ------------------------------
size_mb() { du -sm "$1" | cut -f1; }
measure() {
  local rid_out="$APPS/ai/out-linux-x64"
  dotnet build "$APPS/ai" -c Release -r linux-x64 -o "$rid_out" --nologo -v q || return 1
  dotnet "$rid_out/ai.dll" >"$APPS/ai/run-rid.txt" || return 1
  contains "$APPS/ai/run-rid.txt" '"stdout":"42\n"' || return 1
  echo "ai app build output: $(size_mb "$APPS/ai/out") MB without a RuntimeIdentifier" \
       "(runtimes/ $(size_mb "$APPS/ai/out/runtimes") MB, guest/ $(size_mb "$APPS/ai/out/guest") MB);" \
       "$(size_mb "$rid_out") MB with -r linux-x64" | tee "$WORK/sizes.txt"
  rm -rf "$rid_out" "$APPS/ai/out"
}
check "app: SkWasmPlugin.AI with -r linux-x64 (size)" measure
[[ -f "$WORK/sizes.txt" ]] && cat "$WORK/sizes.txt"

echo "package-check: $PASSED passed, $FAILED failed ($((SECONDS - START)) s)"
[[ $FAILED == 0 ]]
