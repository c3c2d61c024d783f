# attack: fill the host disk by appending 1 MB chunks until something stops it (quota 4 MB)
# expect: blocked
# session: small
import errno
chunk = b'x' * (1024 * 1024)
written = 0
try:
    with open('fill.bin', 'wb') as f:
        for _ in range(10_000):
            f.write(chunk)
            f.flush()
            written += len(chunk)
    print('ESCAPED wrote', written)
except OSError as e:
    print('BLOCKED after', written // (1024 * 1024), 'MB:', errno.errorcode.get(e.errno), e)
