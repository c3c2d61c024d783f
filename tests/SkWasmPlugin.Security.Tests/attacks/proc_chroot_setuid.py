# attack: privilege games: os.chroot, os.setuid(0), os.chown, os.umask, os.nice
# expect: blocked
import os
for name, action in [('chroot', lambda: os.chroot('/')), ('setuid', lambda: os.setuid(0)),
                     ('chown', lambda: os.chown('/usr/local/lib/python3.11/os.pyc', 0, 0)),
                     ('nice', lambda: os.nice(-20))]:
    try:
        action()
        print('ESCAPED', name)
    except (AttributeError, OSError) as e:
        print('BLOCKED', name, type(e).__name__, e)
