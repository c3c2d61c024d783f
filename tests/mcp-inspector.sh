#!/usr/bin/env bash
# Checks the MCP server with a real external client: the MCP Inspector's CLI mode talks to `skwasm mcp` over stdio,
# lists the tools and runs Python through execute_code.
#
#   tests/mcp-inspector.sh            # installs the inspector on first use, builds the CLI, runs the checks
#
# Environment: MCP_INSPECTOR_DIR (install folder, default ~/.cache/skwasm/mcp-inspector),
# MCP_INSPECTOR_VERSION (default 1.0.3: the newest whose CLI runs on Node 20; 2.x needs Node >= 22.19),
# SKWASM_MCP_NO_BUILD=1 to use an existing build.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="${MCP_INSPECTOR_VERSION:-1.0.3}"
DIR="${MCP_INSPECTOR_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skwasm/mcp-inspector}"
INSPECTOR="$DIR/node_modules/.bin/mcp-inspector"
CALL_TIMEOUT="${MCP_INSPECTOR_TIMEOUT:-180}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

for tool in node npm dotnet timeout; do
  command -v "$tool" >/dev/null || { echo "mcp-inspector: '$tool' is not installed" >&2; exit 2; }
done

installed_version() {
  node -p "require('$DIR/node_modules/@modelcontextprotocol/inspector/package.json').version" 2>/dev/null || true
}
if [[ ! -x "$INSPECTOR" || "$(installed_version)" != "$VERSION" ]]; then
  echo "mcp-inspector: installing @modelcontextprotocol/inspector@$VERSION into $DIR" >&2
  mkdir -p "$DIR"
  npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "@modelcontextprotocol/inspector@$VERSION" >&2
fi

BIN="$ROOT/src/SkWasmPlugin.Cli/bin/Debug/net10.0"
if [[ "${SKWASM_MCP_NO_BUILD:-0}" != 1 ]]; then
  echo "mcp-inspector: building src/SkWasmPlugin.Cli" >&2
  dotnet build "$ROOT/src/SkWasmPlugin.Cli" -c Debug --nologo -v quiet >&2
fi
[[ -f "$BIN/skwasm.dll" ]] || { echo "mcp-inspector: $BIN/skwasm.dll is missing (build first)" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# The server the inspector starts: the CLI's stdio MCP server on a throw-away session store.
SERVER=(dotnet "$BIN/skwasm.dll" mcp --store "$WORK/store")

passed=0
failed=0
check() { # name, output file, expected substrings...
  local name="$1" out="$2"
  shift 2
  local missing=()
  for want in "$@"; do grep -qF -- "$want" "$out" || missing+=("$want"); done
  if ((${#missing[@]} == 0)); then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: missing ${missing[*]}"
    sed 's/^/    /' "$out" | head -40
    failed=$((failed + 1))
  fi
}

run() { # output file, inspector arguments...
  local out="$1"
  shift
  if ! timeout "$CALL_TIMEOUT" "$INSPECTOR" --cli "${SERVER[@]}" "$@" >"$out" 2>"$out.err"; then
    echo "(inspector exited non-zero)" >>"$out"
    cat "$out.err" >>"$out"
  fi
}

run "$WORK/list.json" --method tools/list
check "tools/list" "$WORK/list.json" \
  '"execute_code"' '"list_runtimes"' '"create_session"' '"destroy_session"' '"list_files"' \
  '"read_file"' '"write_file"' '"install_package"' '"get_workspace_info"' '"reset_session"'

run "$WORK/call.json" --method tools/call --tool-name execute_code --tool-arg language=python --tool-arg 'code=print(6*7)'
check "tools/call execute_code" "$WORK/call.json" '42' '"isError": false'

echo "mcp-inspector: $passed passed, $failed failed"
((failed == 0))
