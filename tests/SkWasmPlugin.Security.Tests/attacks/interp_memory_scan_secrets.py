# attack: scan raw interpreter memory for other sessions' secrets (bytes of every buffer we can reach, id()-based peeking)
# expect: blocked
import sys
needle = ('-'.join(['SKWASM', 'CANARY'])).encode()  # built at run time so the source itself holds no match
found = False
# Guess object addresses near our own objects and read them through memoryview of ints is impossible in pure Python;
# the closest we get is every bytes-like object the collector knows plus the interned strings.
import gc
for obj in gc.get_objects():
    try:
        if obj is not needle and needle in memoryview(obj).tobytes():
            found = True
    except TypeError:
        pass
for name in dir(sys):
    if needle.decode() in repr(getattr(sys, name, None))[:100000]:
        found = True
print('ESCAPED' if found else 'BLOCKED nothing found')
