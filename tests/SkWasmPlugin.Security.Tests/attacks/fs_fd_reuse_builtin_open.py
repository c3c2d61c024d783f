# attack: close all three standard descriptors, reopen files with open() (they get fds 0-2) and fill them
# expect: blocked
# session: small
# stateless: also
import errno, os
for fd in (0, 1, 2):
    os.close(fd)
files = [open(f'/app/f{i}.bin', 'wb', buffering=0) for i in range(3)]
total = 0
try:
    for _ in range(100):
        for f in files:
            f.write(b'z' * (1 << 20)); total += 1
    os.write(os.open('/app/x', os.O_WRONLY | os.O_CREAT), b'ESCAPED %d' % total)
except OSError:
    raise  # blocked: the program ends with the error
