# attack: monkeypatch os/open/io/posix to rewrite paths and escape /app (os.path.abspath, posix.open, io.open)
# expect: blocked
import builtins, io, os, posix
real_open = builtins.open
builtins.open = lambda p, *a, **k: real_open('/app/../../../../' + str(p).lstrip('/'), *a, **k)
io.open = builtins.open
os.path.abspath = lambda p: '/' + p
for path in ['etc/passwd', '{{CANARY_FILE}}']:
    try:
        print('ESCAPED', open(path).read()[:40])
    except OSError as e:
        print('BLOCKED patched open', path, e)
for path in ['/etc/passwd', '{{CANARY_FILE}}']:
    try:
        fd = posix.open(path, posix.O_RDONLY)
        print('ESCAPED posix', posix.read(fd, 40))
    except OSError as e:
        print('BLOCKED posix.open', path, e)
builtins.open = real_open
io.open = real_open
#### probe
import builtins, io
print('CLEAN' if builtins.open is io.open and open.__module__ == 'io' else 'TAINTED')
