# attack: fill the host disk with one huge write (96 MB in a single write call; the session quota is 4 MB)
# expect: blocked
# session: small
# limits: memory=256MB
import errno
data = b'\0' * (96 * 1024 * 1024)
try:
    with open('big.bin', 'wb', buffering=0) as f:
        f.write(data)
    print('ESCAPED wrote 96 MB')
except OSError as e:
    print('BLOCKED', errno.errorcode.get(e.errno), e)
