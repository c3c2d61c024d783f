#!/usr/bin/env bash
# Recompiles only the in-guest runner modules (_skwasm.py, sandbox_utils.py) into lib/python3.11/, exactly
# as stdlib.sh does for the whole standard library (same pack_stdlib.pyc_bytes: unchecked-hash .pyc, so the
# bytes are the same on any machine with Debian's python3.11), then rewrites the manifest. For changes to
# the runner alone: no CPython source or toolchain needed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for name in _skwasm sandbox_utils; do
  /usr/bin/python3.11 - "$HERE" "$name" <<'PY'
import os, sys
here, name = sys.argv[1], sys.argv[2]
sys.path.insert(0, here)
from pack_stdlib import pyc_bytes
target = os.path.join(here, "lib", "python3.11", name + ".pyc")
with open(target + ".tmp", "wb") as f:
    f.write(pyc_bytes(os.path.join(here, name + ".py"), name + ".py"))
os.replace(target + ".tmp", target)
print("compiled", name)
PY
done
bash "$HERE/../write-manifest.sh"
