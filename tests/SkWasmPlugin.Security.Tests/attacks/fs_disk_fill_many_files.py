# attack: exhaust the host's inodes with many small files (the session allows 64 files)
# expect: blocked
# session: small
import errno
made = 0
try:
    for i in range(100_000):
        with open(f'f{i}.txt', 'w') as f:
            f.write('x')
        made += 1
    print('ESCAPED made', made)
except OSError as e:
    print('BLOCKED after', made, 'files:', errno.errorcode.get(e.errno), e)
