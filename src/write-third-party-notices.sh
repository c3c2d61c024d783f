#!/usr/bin/env bash
# Writes THIRD-PARTY-NOTICES.txt (packed into every SkWasmPlugin package) from runtimes/manifest.json,
# runtimes/licenses/ (python-packages/index.json for the vendored packages), the embedded font's licence and the
# NuGet dependencies of src/*. Run it after runtimes/write-manifest.sh or after changing a dependency;
# tests/package-check.sh runs it with --check, which fails when the committed file is out of date.
#
#   src/write-third-party-notices.sh           # rewrite THIRD-PARTY-NOTICES.txt
#   src/write-third-party-notices.sh --check   # exit 1 if it would change
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/src/THIRD-PARTY-NOTICES.txt"
TMP="$(mktemp)"
trap 'rm -f "$TMP"' EXIT

python3 - "$ROOT" > "$TMP" <<'PY'
import glob, json, os, re, sys

root = sys.argv[1]
def read(rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()

# Licences of the NuGet packages our src projects reference (each package's own metadata). A dependency missing here
# stops the script, so a new one cannot ship without its licence being named.
NUGET_LICENCES = {
    "Wasmtime": "Apache-2.0 WITH LLVM-exception (includes the native Wasmtime library)",
    "SkiaSharp": "MIT (the native libSkiaSharp includes Skia, BSD-3-Clause)",
    "SkiaSharp.NativeAssets.Linux.NoDependencies": "MIT (libSkiaSharp: Skia, BSD-3-Clause)",
    "Svg.Skia": "MIT (with Svg.Model, Svg.SceneGraph, Svg.Animation, ShimSkiaSharp: MIT; Svg.Custom: MS-PL; "
                "HarfBuzzSharp and its native assets: MIT)",
    "Polly.Core": "BSD-3-Clause",
    "Microsoft.Extensions.AI": "MIT",
    "Microsoft.Agents.AI": "MIT",
    "Microsoft.Extensions.DependencyInjection.Abstractions": "MIT",
    "Microsoft.Extensions.Hosting.Abstractions": "MIT",
    "Microsoft.Extensions.Logging.Abstractions": "MIT",
    "Microsoft.Extensions.Options": "MIT",
    "Microsoft.Extensions.Options.DataAnnotations": "MIT",
    "Microsoft.IO.RecyclableMemoryStream": "MIT",
    "System.IO.Hashing": "MIT",
    "Microsoft.SemanticKernel.Core": "MIT",
    "ModelContextProtocol": "Apache-2.0",
    "ModelContextProtocol.AspNetCore": "Apache-2.0",
    "System.CommandLine": "MIT",
    "Spectre.Console": "MIT",
    "Azure.Storage.Blobs": "MIT",
    "Microsoft.Orleans.Sdk": "MIT",
    "Microsoft.Orleans.Server": "MIT",
    "Microsoft.Orleans.Client": "MIT",
    "Microsoft.Orleans.Serialization.SystemTextJson": "MIT",
}
# Built and checked in runtimes/ but not packed (SkWasmPlugin.Sandbox.csproj lists what is).
NOT_PACKED = {"runtimes/quickjs/qjs-cli.wasm"}

manifest = json.loads(read("runtimes/manifest.json"))
packages = {p["name"]: p for p in json.loads(read("runtimes/licenses/python-packages/index.json"))["packages"]}
vendored = json.loads(read("runtimes/data/packages.json"))["packages"]

versions = dict(re.findall(r'<PackageVersion Include="([^"]+)" Version="([^"]+)"', read("Directory.Packages.props")))
used = {}
for csproj in sorted(glob.glob(os.path.join(root, "src", "*", "*.csproj"))):
    project = os.path.splitext(os.path.basename(csproj))[0]
    for name in re.findall(r'<PackageReference Include="([^"]+)"', open(csproj, encoding="utf-8").read()):
        used.setdefault(name, []).append(project)
missing = sorted(set(used) - set(NUGET_LICENCES))
if missing:
    sys.exit("write-third-party-notices: name the licence of " + ", ".join(missing) + " in NUGET_LICENCES")

texts = []  # (title, path) in order of first mention
def text(path):
    if path not in [p for _, p in texts]:
        texts.append((path.split("/")[-1], path))
    return path

out = []
w = out.append
w("SkWasmPlugin: third-party notices")
w("=================================")
w("")
w("SkWasmPlugin itself is licensed under the Apache License 2.0. Its packages ship the components of part 1 and 2")
w("below, each under its own licence, whose full text is in part 4 (and, for part 1, in guest/licenses/ beside the")
w("runtimes). The NuGet packages of part 3 are not redistributed by ours: NuGet restores them, each with its licence.")
w("This file is written by src/write-third-party-notices.sh from runtimes/manifest.json and runtimes/licenses/.")
w("")
w("1. Guest runtimes (SkWasmPlugin.Sandbox: guest/ in the application's output)")
w("-----------------------------------------------------------------------------")
w("")
for a in manifest["artifacts"]:
    if a["path"] in NOT_PACKED or a["licence"] == "per-package":
        continue  # the vendored packages are listed one by one below
    w(f"{a['path'].removeprefix('runtimes/')}: {a['sourcePackage']} {a['version']}, {a['licence']} ({text(a['licenceFile'])})")
    for c in a.get("components", []):
        note = f"; {c['note']}" if c.get("note") else ""
        w(f"    includes {c['name']} {c['version']}, {c['licence']} ({text(c['licenceFile'])}{note})")
w("")
w("data/site-packages: pure-Python packages vendored from Debian bookworm (name version, Debian source package,")
w("licence, text):")
for p in vendored:
    lic = packages[p["name"]]
    w(f"    {p['name']} {p['version']} ({lic['sourcePackage']} {lic['debianVersion']}), {lic['licence']} ({text(lic['licenceFile'])})")
w("")
w("2. Embedded in SkWasmPlugin.AI")
w("------------------------------")
w("")
w("DejaVu Sans 2.37 (DejaVuSans.ttf, DejaVuSans-Bold.ttf; Debian fonts-dejavu-core 2.37-6), used to render text in SVG")
w(f"images: Bitstream Vera Fonts licence, DejaVu changes in the public domain ({text('src/SkWasmPlugin.AI/Rendering/Fonts/LICENSE.DejaVu')})")
w("")
w("3. NuGet dependencies (restored by NuGet, not redistributed here)")
w("-----------------------------------------------------------------")
w("")
for name in sorted(used):
    w(f"{name} {versions.get(name, '?')}: {NUGET_LICENCES[name]}; used by {', '.join(used[name])}")
w("")
w("4. Licence texts")
w("----------------")
for title, path in texts:
    w("")
    w("=" * 100)
    w(path)
    w("=" * 100)
    w("")
    w(read(path).rstrip())
print("\n".join(out))
PY

if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$TMP" "$OUT"; then
    echo "THIRD-PARTY-NOTICES.txt is out of date: run src/write-third-party-notices.sh" >&2
    exit 1
  fi
else
  cat "$TMP" > "$OUT"
fi
