# attack: hold many directory descriptors (os.open of folders, os.scandir iterators left open)
# expect: blocked
import errno, os
held = []
try:
    for i in range(100_000):
        held.append(os.open('/app', os.O_RDONLY))
    print('ESCAPED holding', len(held))
except OSError as e:
    print('BLOCKED after', len(held), 'descriptors:', errno.errorcode.get(e.errno), e)
for fd in held:
    os.close(fd)
iters = []
try:
    for i in range(10_000):
        iters.append(os.scandir('/app'))
    print('ESCAPED scandir', len(iters))
except OSError as e:
    print('BLOCKED scandir after', len(iters), errno.errorcode.get(e.errno))
