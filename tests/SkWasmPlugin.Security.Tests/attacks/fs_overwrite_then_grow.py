# attack: rewrite the same bytes many times (the quota must count growth, not writes), then grow past the quota
# expect: blocked
# session: small
import errno, os
with open('/app/w.bin', 'wb') as f:
    for _ in range(200):
        f.seek(0); f.write(b'w' * (1 << 20))
print('rewrites fine, size', os.path.getsize('/app/w.bin'))
try:
    with open('/app/w.bin', 'ab') as f:
        f.write(b'w' * (4 << 20))
    print('ESCAPED', os.path.getsize('/app/w.bin'))
except OSError as e:
    print('BLOCKED', errno.errorcode.get(e.errno))
