#!/usr/bin/env bash
# Vendors pure-Python libraries from Debian bookworm binary packages into runtimes/data/site-packages/
# (mounted read-only in the guest at /data/site-packages; each package folder is one sys.path entry)
# and writes runtimes/data/packages.json, the catalog the host reads (PackageCatalog.cs).
# Licences go to runtimes/licenses/python-packages/<name>.txt, with index.json (Debian version, SPDX
# licence of each) for write-manifest.sh.
#
# Compiled extension modules (*.so) are dropped: markupsafe falls back to its pure-Python escape code
# (no _speedups) and PyYAML to its pure loader/dumper (no libyaml). __pycache__ and tests folders are
# dropped too. Re-runnable and deterministic: the output depends only on the .deb files, which are cached
# under $BUILD_ROOT/dl/debs (delete that folder to pick up newer Debian revisions).
#
# Option --pyc (or SKWASM_VENDOR_PYC=1): also ship unchecked-hash .pyc files in __pycache__ (compiled by
# the host's python3.11 with the guest paths as file names). This roughly doubles the folder's size and
# cuts the fuel of a first import about threefold (import openpyxl + pygments: 3.0 G -> 1.1 G).
source "$(dirname "$0")/../common.sh"
PYC="${SKWASM_VENDOR_PYC:-0}"
for arg in "$@"; do
  case "$arg" in
    --pyc) PYC=1 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

DATA="$RUNTIMES_DIR/data"
SITE="$DATA/site-packages"
LICENSES="$RUNTIMES_DIR/licenses/python-packages"
DEBS="$BUILD_ROOT/dl/debs"
WORK="$BUILD_ROOT/vendor"

# debian package | our name (folder) | top-level modules | requires | aliases | licence (SPDX)
PACKAGES=(
  "python3-attr|attrs|attr attrs||attr python-attrs|MIT"
  "python3-chardet|chardet|chardet||python-chardet|LGPL-2.1-or-later"
  "python3-defusedxml|defusedxml|defusedxml|||PSF-2.0"
  "python3-dateutil|python-dateutil|dateutil|six|dateutil python_dateutil|Apache-2.0 AND BSD-3-Clause"
  "python3-et-xmlfile|et_xmlfile|et_xmlfile||et-xmlfile etxmlfile|MIT"
  "python3-idna|idna|idna|||BSD-3-Clause"
  "python3-jinja2|jinja2|jinja2|markupsafe|jinja|BSD-3-Clause"
  "python3-markdown|markdown|markdown||python-markdown|BSD-3-Clause"
  "python3-markupsafe|markupsafe|markupsafe||markup-safe|BSD-3-Clause"
  "python3-odf|odfpy|odf|defusedxml|odf|LGPL-2.1-or-later AND GPL-2.0-or-later AND Apache-2.0"
  "python3-openpyxl|openpyxl|openpyxl|et_xmlfile||MIT"
  "python3-pygments|pygments|pygments|||BSD-2-Clause"
  "python3-pypdf|pypdf|pypdf|||BSD-3-Clause"
  "python3-pypdf2|pypdf2|PyPDF2||pypdf-2|BSD-3-Clause"
  "python3-six|six|six|||MIT"
  "python3-tabulate|tabulate|tabulate|||MIT"
  "python3-tz|pytz|pytz||tz python-tz|MIT"
  "python3-xlsxwriter|xlsxwriter|xlsxwriter||xlsx-writer|BSD-2-Clause"
  "python3-yaml|pyyaml|yaml||yaml py-yaml|MIT"
)

# --- download (cached) ---------------------------------------------------------------------------
mkdir -p "$DEBS"
need=()
for row in "${PACKAGES[@]}"; do
  deb="${row%%|*}"
  ls "$DEBS/${deb}"_*.deb >/dev/null 2>&1 || need+=("$deb")
done
if [ ${#need[@]} -gt 0 ]; then
  log "downloading ${need[*]}"
  # apt-get download writes into the current directory; _apt cannot write to root-owned folders, which
  # only costs a warning (the download then runs unsandboxed).
  if ! (cd "$DEBS" && apt-get download -q "${need[@]}" 2>/dev/null); then
    log "apt-get download failed; refreshing package lists"
    apt-get update -qq
    (cd "$DEBS" && apt-get download -q "${need[@]}")
  fi
fi

# --- unpack and copy --------------------------------------------------------------------------------
rm -rf "$WORK"; mkdir -p "$WORK"
NEW_SITE="$WORK/site-packages"; NEW_LIC="$WORK/licenses"
mkdir -p "$NEW_SITE" "$NEW_LIC"
TABLE="$WORK/table.tsv"; : > "$TABLE"
for row in "${PACKAGES[@]}"; do
  IFS='|' read -r deb name modules requires aliases licence <<< "$row"
  debfile=$(ls "$DEBS/${deb}"_*.deb | sort -V | tail -n1)
  x="$WORK/x/$deb"; mkdir -p "$x"
  dpkg-deb -x "$debfile" "$x"
  debver=$(dpkg-deb -f "$debfile" Version)
  srcpkg=$(dpkg-deb -f "$debfile" Source | cut -d' ' -f1); srcpkg=${srcpkg:-$deb}
  dist="$x/usr/lib/python3/dist-packages"
  dest="$NEW_SITE/$name"; mkdir -p "$dest"
  for m in $modules; do
    if [ -d "$dist/$m" ]; then cp -r "$dist/$m" "$dest/"
    elif [ -f "$dist/$m.py" ]; then cp "$dist/$m.py" "$dest/"
    else echo "$deb has no module $m in dist-packages" >&2; exit 1; fi
  done
  # Package metadata (importlib.metadata.version(...) and entry points such as pygments plugins use it).
  meta=$(find "$dist" -maxdepth 1 \( -name '*.dist-info' -o -name '*.egg-info' \) | head -n1)
  [ -n "$meta" ] && cp -r "$meta" "$dest/"
  # Python version from that metadata; else the Debian upstream version.
  pyver=""
  for f in "$meta/METADATA" "$meta/PKG-INFO" "$meta"; do
    [ -f "$f" ] && { pyver=$(sed -n 's/^Version: *//p' "$f" | head -n1); break; }
  done
  [ -n "$pyver" ] || pyver=$(echo "$debver" | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//' -e 's/+dfsg.*//')
  find "$dest" \( -name '*.so' -o -name '*.pyc' -o -name RECORD -o -name INSTALLER -o -name direct_url.json \) -type f -delete
  find "$dest" -depth -type d \( -name __pycache__ -o -name tests -o -name test \) -exec rm -rf {} +
  find "$dest" -type d -exec chmod 755 {} +
  find "$dest" -type f -exec chmod 644 {} +
  if [ "$PYC" = 1 ]; then
    # Fixed hash seed: marshal output must not vary between runs.
    PYTHONHASHSEED=0 /usr/bin/python3.11 -m compileall -q -j1 --invalidation-mode unchecked-hash \
      -s "$NEW_SITE" -p /data/site-packages "$dest" >/dev/null
  fi
  cp "$x/usr/share/doc/$deb/copyright" "$NEW_LIC/$name.txt"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$pyver" "$deb" "$debver" "$modules" "$requires" "$aliases" "$licence" "$srcpkg" >> "$TABLE"
done

# --- catalog ----------------------------------------------------------------------------------------
python3 - "$TABLE" "$WORK/packages.json" "$WORK/licences.json" <<'PY'
import json, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
names = {r[0] for r in rows}
packages, licences = [], []
for name, ver, deb, debver, modules, requires, aliases, licence, srcpkg in sorted(rows):
    reqs = sorted(requires.split())
    missing = [r for r in reqs if r not in names]
    if missing:
        sys.exit(f"{name} requires {missing}, which are not vendored")
    spellings = {a.lower() for a in aliases.split()} | {deb.lower()}
    spellings -= {name}
    packages.append({"name": name, "version": ver, "debianPackage": deb,
                     "modules": modules.split(), "requires": reqs, "aliases": sorted(spellings)})
    licences.append({"name": name, "version": ver, "debianPackage": deb, "sourcePackage": srcpkg, "debianVersion": debver,
                     "licence": licence, "licenceFile": f"runtimes/licenses/python-packages/{name}.txt"})
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump({"packages": packages}, f, indent=2, ensure_ascii=False); f.write("\n")
# Read by write-manifest.sh (Debian versions and licences of each vendored package).
with open(sys.argv[3], "w", encoding="utf-8") as f:
    json.dump({"packages": licences}, f, indent=2, ensure_ascii=False); f.write("\n")
PY

# --- swap in ----------------------------------------------------------------------------------------
mkdir -p "$DATA" "$LICENSES"
rm -rf "$SITE"; mv "$NEW_SITE" "$SITE"
rm -f "$LICENSES"/*.txt "$LICENSES/index.json"; cp "$NEW_LIC"/*.txt "$LICENSES/"
cp "$WORK/packages.json" "$DATA/packages.json"
cp "$WORK/licences.json" "$LICENSES/index.json"
rm -rf "$WORK/x"
log "vendored ${#PACKAGES[@]} packages into $SITE: $(find "$SITE" -type f | wc -l) files, $(du -sb "$SITE" | cut -f1) bytes"
while IFS=$'\t' read -r name pyver deb debver _; do
  printf '  %-16s %-10s %-22s %8s bytes\n' "$name" "$pyver" "$deb $debver" "$(du -sb "$SITE/$name" | cut -f1)"
done < <(sort "$TABLE")
