# attack: fill the quota, then hammer it with refused writes (each must cost the host no walk of the workspace)
# expect: blocked
# session: small
# max-seconds: 20
import errno, os
for i in range(40):
    with open(f'/app/d{i}.bin', 'wb') as f:
        f.write(b'd' * (100 * 1024))
refused = 0
f = os.open('/app/full.bin', os.O_WRONLY | os.O_CREAT)
buf = b'q' * (1 << 20)
for _ in range(20000):
    try:
        os.write(f, buf)
    except OSError:
        refused += 1
print('BLOCKED', refused, 'refused writes')
