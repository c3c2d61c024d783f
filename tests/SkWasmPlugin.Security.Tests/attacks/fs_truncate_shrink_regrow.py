# attack: shrink and regrow a file many times, hoping the quota counts the shrink twice
# expect: blocked
# session: small
import errno, os
f = os.open('/app/t.bin', os.O_RDWR | os.O_CREAT)
for _ in range(50):
    os.ftruncate(f, 3 << 20)
    os.ftruncate(f, 0)
os.ftruncate(f, 3 << 20)
try:
    with open('/app/more.bin', 'wb') as g:
        g.write(b'm' * (3 << 20))
    print('ESCAPED', os.fstat(f).st_size + os.path.getsize('/app/more.bin'))
except OSError as e:
    print('BLOCKED', errno.errorcode.get(e.errno))
