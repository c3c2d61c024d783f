# attack: escape with directory file descriptors: open('..', dir_fd=/app's fd), os.fchdir, openat tricks
# expect: blocked
import os
fd = os.open('/app', os.O_RDONLY)
for path in ['..', '../etc/passwd', '/etc/passwd']:
    try:
        sub = os.open(path, os.O_RDONLY, dir_fd=fd)
        print('ESCAPED', path, os.read(sub, 40))
    except (OSError, NotImplementedError) as e:
        print('BLOCKED', path, type(e).__name__, e)
try:
    os.fchdir(fd)
    os.chdir('..')
    print('ESCAPED fchdir', os.listdir('.')[:5])
except (OSError, AttributeError) as e:
    print('BLOCKED fchdir', e)
for raw in range(0, 12):
    try:
        print('fd', raw, os.fstat(raw).st_mode)
    except OSError:
        pass
