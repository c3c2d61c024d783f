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
# Unchecked-hash .pyc files are shipped in __pycache__ (compiled by Debian's python3.11 with the guest paths
# as file names): the folder is about twice the size (49 -> 117 MB with sympy), and imports cost a third to an
# eighth of the fuel (import sympy 17.5 G -> 2.3 G, openpyxl 2.4 G -> 0.97 G; bench/RESULTS.md), which is what
# lets `import sympy` run within the default 5 G budget. --no-pyc (or SKWASM_VENDOR_PYC=0): sources only.
source "$(dirname "$0")/../common.sh"
PYC="${SKWASM_VENDOR_PYC:-1}"
for arg in "$@"; do
  case "$arg" in
    --pyc) PYC=1 ;;
    --no-pyc) PYC=0 ;;
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
  "python3-mpmath|mpmath|mpmath|||BSD-3-Clause"
  "python3-sympy|sympy|sympy isympy|mpmath||BSD-3-Clause"
  "python3-pkg-resources|pkg_resources|pkg_resources||pkg-resources setuptools|MIT"
  "python3-networkx|networkx|networkx|||BSD-3-Clause"
  "python3-pygal|pygal|pygal|pkg_resources||LGPL-3.0-or-later"
  "python3-svgwrite|svgwrite|svgwrite|||MIT"
  "python3-soupsieve|soupsieve|soupsieve|||MIT"
  "python3-bs4|beautifulsoup4|bs4|soupsieve|bs4 beautifulsoup|MIT"
  "python3-webencodings|webencodings|webencodings|||BSD-3-Clause"
  "python3-html5lib|html5lib|html5lib|six webencodings||MIT"
  "python3-wcwidth|wcwidth|wcwidth|||MIT"
  "python3-prettytable|prettytable|prettytable|wcwidth||BSD-3-Clause"
  "python3-texttable|texttable|texttable|||MIT"
  "python3-xlrd|xlrd|xlrd|||BSD-3-Clause"
  "python3-sqlparse|sqlparse|sqlparse|||BSD-3-Clause"
  "python3-toml|toml|toml|||MIT"
  "python3-tomli|tomli|tomli|||MIT"
  "python3-roman|roman|roman|||ZPL-2.1"
  "python3-docutils+docutils-common|docutils|docutils|roman||BSD-2-Clause AND GPL-3.0-or-later AND Python-2.0 AND public-domain"
  "python3-pyrsistent|pyrsistent|pyrsistent _pyrsistent_version|||MIT"
  "python3-jsonschema|jsonschema|jsonschema|attrs pyrsistent||MIT"
  "python3-unidecode|unidecode|unidecode||text-unidecode|GPL-2.0-or-later"
  "python3-segno|segno|segno|||BSD-3-Clause"
)

# --- download (cached) ---------------------------------------------------------------------------
mkdir -p "$DEBS"
# A first column "a+b" unpacks several .debs together (b holds files a links to, e.g. docutils-common).
need=()
for row in "${PACKAGES[@]}"; do
  IFS='+' read -r -a debs <<< "${row%%|*}"
  for deb in "${debs[@]}"; do
    ls "$DEBS/${deb}"_*.deb >/dev/null 2>&1 || need+=("$deb")
  done
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

# copy_resolved ROOT SRC DEST: copies SRC (a folder, or SRC.py) to DEST, replacing every symbolic link by what it
# points to, read below ROOT for absolute targets; a link that leads nowhere is an error.
copy_resolved() {
  python3 - "$@" <<'PY'
import os, shutil, sys
root, src, dest = sys.argv[1:]
if not os.path.isdir(src):
    src, dest = src + ".py", dest + ".py"
def real(path):
    for _ in range(40):
        if not os.path.islink(path):
            return path
        target = os.readlink(path)
        path = os.path.join(root, target.lstrip("/")) if os.path.isabs(target) else os.path.join(os.path.dirname(path), target)
    sys.exit(f"link loop at {path}")
def copy(s, d):
    s = real(s)
    if os.path.isdir(s):
        os.makedirs(d, exist_ok=True)
        for name in sorted(os.listdir(s)):
            copy(os.path.join(s, name), os.path.join(d, name))
    elif os.path.isfile(s):
        shutil.copyfile(s, d)
    else:
        sys.exit(f"{s}: a link that leads nowhere")
copy(src, dest)
PY
}

# --- unpack and copy --------------------------------------------------------------------------------
rm -rf "$WORK"; mkdir -p "$WORK"
NEW_SITE="$WORK/site-packages"; NEW_LIC="$WORK/licenses"
mkdir -p "$NEW_SITE" "$NEW_LIC"
TABLE="$WORK/table.tsv"; : > "$TABLE"
for row in "${PACKAGES[@]}"; do
  IFS='|' read -r debs name modules requires aliases licence <<< "$row"
  deb="${debs%%+*}"
  x="$WORK/x/$deb"; mkdir -p "$x"
  IFS='+' read -r -a parts <<< "$debs"
  for part in "${parts[@]}"; do
    dpkg-deb -x "$(ls "$DEBS/${part}"_*.deb | sort -V | tail -n1)" "$x"
  done
  debfile=$(ls "$DEBS/${deb}"_*.deb | sort -V | tail -n1)
  debver=$(dpkg-deb -f "$debfile" Version)
  srcpkg=$(dpkg-deb -f "$debfile" Source | cut -d' ' -f1); srcpkg=${srcpkg:-$deb}
  dist="$x/usr/lib/python3/dist-packages"
  dest="$NEW_SITE/$name"; mkdir -p "$dest"
  for m in $modules; do
    # Links are copied as what they point to, inside the unpacked packages (Debian links data files to /usr/share).
    if [ -d "$dist/$m" ] || [ -f "$dist/$m.py" ]; then copy_resolved "$x" "$dist/$m" "$dest/$m"
    else echo "$deb has no module $m in dist-packages" >&2; exit 1; fi
  done
  if [ "$name" = docutils ]; then
    # Debian moves docutils' data files (stylesheets, templates, rst includes) to /usr/share/docutils and
    # patches _datadir() to look there; put them back beside the modules, where upstream keeps them.
    copy_resolved "$x" "$x/usr/share/docutils" "$dest/docutils"
    sed -i 's/^_debian_package = 1$/_debian_package = 0  # SkWasmPlugin: data files beside the modules (vendor-packages.sh)/' "$dest/docutils/__init__.py"
    grep -q '^_debian_package = 0' "$dest/docutils/__init__.py" || { echo "docutils: _debian_package switch not found" >&2; exit 1; }
  fi
  # Package metadata (importlib.metadata.version(...) and entry points such as pygments plugins use it).
  meta=$(find "$dist" -maxdepth 1 \( -name '*.dist-info' -o -name '*.egg-info' \) | head -n1)
  [ -n "$meta" ] && cp -r "$meta" "$dest/"
  # Python version from that metadata; else the Debian upstream version.
  pyver=""
  for f in "$meta/METADATA" "$meta/PKG-INFO" "$meta"; do
    [ -f "$f" ] && { pyver=$(sed -n 's/^Version: *//p' "$f" | head -n1); break; }
  done
  [ "$pyver" = "0.0.0" ] && pyver=""  # some Debian egg-info files say 0.0.0
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
