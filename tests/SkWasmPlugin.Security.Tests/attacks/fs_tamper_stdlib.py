# attack: tamper with the read-only standard library mount (/usr/local/lib): write, append, delete, rename, chmod
# expect: blocked
import os
lib = '/usr/local/lib'
print('lib holds', os.listdir(lib))
attempts = [
    ('write new', lambda: open(lib + '/evil.py', 'w').write('x')),
    ('append zip', lambda: open(lib + '/python3.11/os.pyc', 'ab').write(b'x')),
    ('truncate zip', lambda: open(lib + '/python3.11/os.pyc', 'r+b').truncate(0)),
    ('remove zip', lambda: os.remove(lib + '/python3.11/os.pyc')),
    ('rename zip', lambda: os.rename(lib + '/python3.11/os.pyc', '/app/stolen.zip')),
    ('mkdir', lambda: os.mkdir(lib + '/python3.11')),
    ('chmod', lambda: os.chmod(lib + '/python3.11/os.pyc', 0o777)),
    ('utime', lambda: os.utime(lib + '/python3.11/os.pyc', (0, 0))),
]
before = os.stat(lib + '/python3.11/os.pyc')
for name, action in attempts:
    try:
        action()
        after = os.stat(lib + '/python3.11/os.pyc')
        # WASI has no permission bits: a call that "succeeds" without changing anything is a no-op, not an escape.
        changed = (after.st_mode, after.st_mtime, after.st_size) != (before.st_mode, before.st_mtime, before.st_size)
        print('ESCAPED' if changed or name not in ('chmod', 'utime') else 'BLOCKED (no effect)', name)
    except OSError as e:
        print('BLOCKED', name, e)
