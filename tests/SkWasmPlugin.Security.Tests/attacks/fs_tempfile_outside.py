# attack: get a temp file outside the workspace (tempfile picks /tmp on a normal host)
# expect: blocked
import os, tempfile
print('gettempdir ->', tempfile.gettempdir())
fd, path = tempfile.mkstemp()
os.write(fd, b'x')
os.close(fd)
print('mkstemp ->', path)
real = os.path.realpath(path)
print('BLOCKED' if real.startswith('/app/') else 'ESCAPED', real)
try:
    open('/tmp/skwasm-escape.txt', 'w').write('x')
    print('ESCAPED /tmp')
except OSError as e:
    print('BLOCKED /tmp', e)
