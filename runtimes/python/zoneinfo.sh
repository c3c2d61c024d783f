#!/usr/bin/env bash
# Copies the IANA time zone database from Debian bookworm's tzdata package into runtimes/python/zoneinfo/,
# which the host preopens read-only at /usr/share/zoneinfo in the Python guest (zoneinfo, dateutil.tz,
# pytz read it there). Left out: the posix/ and right/ duplicate trees, posixrules and localtime (a link
# to the host's /etc/localtime). Symbolic links are replaced by copies of their targets, since a link
# inside a preopened folder need not resolve in the guest. Licence: runtimes/licenses/tzdata.txt.
# Re-runnable; the .deb is cached under $BUILD_ROOT/dl/debs (delete it to take a newer tzdata).
source "$(dirname "$0")/../common.sh"

OUT="$RUNTIMES_DIR/python/zoneinfo"
DEBS="$BUILD_ROOT/dl/debs"
WORK="$BUILD_ROOT/tzdata"
mkdir -p "$DEBS"
if ! ls "$DEBS"/tzdata_*.deb >/dev/null 2>&1; then
  log "downloading tzdata"
  if ! (cd "$DEBS" && apt-get download -q tzdata 2>/dev/null); then
    log "apt-get download failed; refreshing package lists"
    apt-get update -qq
    (cd "$DEBS" && apt-get download -q tzdata)
  fi
fi
deb=$(ls "$DEBS"/tzdata_*.deb | sort -V | tail -n1)
version=$(dpkg-deb -f "$deb" Version)

rm -rf "$WORK"; mkdir -p "$WORK/x"
dpkg-deb -x "$deb" "$WORK/x"
SRC="$WORK/x/usr/share/zoneinfo"
NEW="$WORK/zoneinfo"
mkdir -p "$NEW"
(
  cd "$SRC"
  find . -mindepth 1 \( -path ./posix -o -path ./right \) -prune -o \( -type f -o -type l \) -print |
    sed 's|^\./||' | LC_ALL=C sort |
    while read -r f; do
      case "$f" in localtime|posixrules) continue ;; esac
      [ -e "$f" ] || { echo "dangling link $f" >&2; exit 1; }
      mkdir -p "$NEW/$(dirname "$f")"
      cp -L "$f" "$NEW/$f"   # -L: a link becomes a real file
    done
)
find "$NEW" -type d -exec chmod 755 {} +
find "$NEW" -type f -exec chmod 644 {} +
for f in UTC Europe/Paris America/New_York zone1970.tab zone.tab tzdata.zi iso3166.tab; do
  [ -f "$NEW/$f" ] || { echo "zoneinfo: $f missing" >&2; exit 1; }
done
[ -z "$(find "$NEW" -type l)" ] || { echo "zoneinfo: symbolic links left" >&2; exit 1; }

rm -rf "$OUT"; mv "$NEW" "$OUT"
mkdir -p "$RUNTIMES_DIR/licenses"
{
  echo "IANA time zone database, from Debian's tzdata package $version (bookworm)."
  echo "Installed in runtimes/python/zoneinfo/ (guest path /usr/share/zoneinfo)."
  echo
  cat "$WORK/x/usr/share/doc/tzdata/copyright"
} > "$RUNTIMES_DIR/licenses/tzdata.txt"
echo "$version" > "$WORK/VERSION"
rm -rf "$WORK/x"
log "zoneinfo (tzdata $version): $(find "$OUT" -type f | wc -l) files, $(du -sb "$OUT" | cut -f1) bytes"
