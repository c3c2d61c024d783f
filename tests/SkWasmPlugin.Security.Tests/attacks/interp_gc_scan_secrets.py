# attack: scan every live object (gc.get_objects, sys.modules, frames) for other sessions' secrets and host data
# expect: blocked
import gc, sys
needle = '-'.join(['SKWASM', 'CANARY'])  # built at run time so the source itself holds no match
hits = set()
def look(value):
    if value is needle:
        return
    if isinstance(value, str) and needle in value:
        hits.add(value[:120])
    elif isinstance(value, (bytes, bytearray)) and needle.encode() in value:
        hits.add(repr(bytes(value)[:120]))
for obj in gc.get_objects():
    look(obj)
    if isinstance(obj, dict):
        for k, v in list(obj.items()):
            look(k); look(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            look(v)
for m in list(sys.modules.values()):
    for v in list(getattr(m, '__dict__', {}).values()):
        look(v)
print('objects scanned:', len(gc.get_objects()))
print('ESCAPED' if hits else 'BLOCKED nothing found', sorted(hits)[:3])
