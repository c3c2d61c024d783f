# attack: exhaust the host's file descriptors by keeping 100000 files open (each guest open is a host open)
# expect: blocked
import errno
open('x', 'w').write('x')
held = []
try:
    for i in range(100_000):
        held.append(open('x'))
    print('ESCAPED holding', len(held))
except OSError as e:
    print('BLOCKED after', len(held), 'open files:', errno.errorcode.get(e.errno), e)
keep_them = held  # still open after this call: the session keeps them
