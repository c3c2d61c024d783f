# attack: close fd 2, reopen a workspace file as fd 2 and grow it past the quota by pwrite
# expect: blocked
# session: small
# stateless: also
import errno, os, sys
os.close(2)
f = os.open('/app/reused.bin', os.O_WRONLY | os.O_CREAT)
say = lambda *a: print(*a, file=sys.stderr if f == 1 else sys.stdout)
assert f == 2, f
try:
    os.pwrite(f, b'x', 200 * 1024 * 1024); n = 200
    say('ESCAPED', n, 'MB through fd', f, 'size', os.fstat(f).st_size)
except OSError as e:
    say('BLOCKED', errno.errorcode.get(e.errno), 'size', os.fstat(f).st_size)
    raise SystemExit(1)
