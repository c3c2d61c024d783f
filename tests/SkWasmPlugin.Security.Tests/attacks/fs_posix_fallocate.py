# attack: preallocate a huge file with posix_fallocate (grows a file without a write)
# expect: blocked
# session: small
import errno, os
f = os.open('/app/p.bin', os.O_RDWR | os.O_CREAT)
try:
    os.posix_fallocate(f, 0, 10 * 1024 ** 3)
    print('ESCAPED', os.fstat(f).st_size)
except (OSError, AttributeError) as e:
    print('BLOCKED', type(e).__name__, e)
