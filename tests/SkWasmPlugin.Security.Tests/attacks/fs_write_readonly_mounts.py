# attack: write into the read-only /data and /usr/share/zoneinfo mounts
# expect: blocked
import os
for path in ['/data/evil.txt', '/data/site-packages/evil.py', '/usr/share/zoneinfo/evil', '/usr/share/zoneinfo/UTC']:
    try:
        with open(path, 'w') as f:
            f.write('pwned')
        print('ESCAPED', path)
    except OSError as e:
        print('BLOCKED', path, e)
try:
    os.mkdir('/usr/share/zoneinfo/x')
    print('ESCAPED mkdir')
except OSError as e:
    print('BLOCKED mkdir', e)
