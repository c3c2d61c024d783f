# attack: create special files (fifo, device nodes) and read raw devices
# expect: blocked
import os
attempts = [
    ('mkfifo', lambda: os.mkfifo('fifo')),
    ('mknod', lambda: os.mknod('dev', 0o600 | 0o020000, os.makedev(1, 3))),
    ('read /dev/sda', lambda: open('/dev/sda', 'rb').read(16)),
    ('read /dev/mem', lambda: open('/dev/mem', 'rb').read(16)),
    ('write /dev/null', lambda: open('/dev/null', 'w').write('x')),
]
for name, action in attempts:
    try:
        action()
        print('ESCAPED', name)
    except (OSError, AttributeError) as e:
        print('BLOCKED', name, type(e).__name__, e)
