# attack: write files, remove each while holding it open (its bytes stay on disk but no walk sees them), and keep going
# expect: blocked
# session: small
# stateless: also
import errno, os
held, total = [], 0
try:
    for i in range(60):
        f = open(f'/app/h{i}.bin', 'wb')
        f.write(b'h' * (5 << 20)); f.flush()
        os.unlink(f'/app/h{i}.bin')
        held.append(f); total += 5
    print('ESCAPED', total, 'MB hidden')
except OSError as e:
    print('BLOCKED after', total, 'MB', errno.errorcode.get(e.errno))
