# attack: grow a file to a terabyte with truncate/ftruncate/posix_fallocate instead of writing
# expect: blocked
# session: small
import errno, os
f = open('t.bin', 'wb')
for size in [5 * 1024**2, 3 * 1024**3, 10**12]:
    try:
        f.truncate(size)
        print('ESCAPED truncate', os.path.getsize('t.bin'))
    except OSError as e:
        print('BLOCKED truncate', size, errno.errorcode.get(e.errno), e)
f.close()
try:
    os.truncate('t.bin', 10**12)
    print('ESCAPED os.truncate', os.path.getsize('t.bin'))
except OSError as e:
    print('BLOCKED os.truncate', errno.errorcode.get(e.errno), e)
try:
    fd = os.open('a.bin', os.O_CREAT | os.O_WRONLY)
    os.posix_fallocate(fd, 0, 10**12)
    print('ESCAPED fallocate', os.path.getsize('a.bin'))
except (OSError, AttributeError) as e:
    print('BLOCKED fallocate', e)
