# attack: replace open files by rename (the old one stays on disk while open) to hide bytes from the quota
# expect: blocked
# session: small
import errno, os
held, total = [], 0
try:
    for i in range(60):
        f = open('/app/target.bin', 'wb')
        f.write(b'r' * (1 << 20)); f.flush()
        held.append(f)
        with open('/app/new.bin', 'wb') as g:
            g.write(b'n')
        os.rename('/app/new.bin', '/app/target.bin')
        total += 1
    print('ESCAPED', total, 'MB behind renames')
except OSError as e:
    print('BLOCKED after', total, 'MB', errno.errorcode.get(e.errno))
