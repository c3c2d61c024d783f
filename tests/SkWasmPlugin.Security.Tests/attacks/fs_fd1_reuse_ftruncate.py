# attack: close fd 1, reopen a workspace file as fd 1 and grow it past the quota by ftruncate
# expect: blocked
# session: small
# stateless: also
import errno, os, sys
os.close(1)
f = os.open('/app/reused.bin', os.O_WRONLY | os.O_CREAT)
say = lambda *a: print(*a, file=sys.stderr if f == 1 else sys.stdout)
assert f == 1, f
try:
    os.ftruncate(f, 60 * 1024 ** 3); n = 60 * 1024
    say('ESCAPED', n, 'MB through fd', f, 'size', os.fstat(f).st_size)
except OSError as e:
    say('BLOCKED', errno.errorcode.get(e.errno), 'size', os.fstat(f).st_size)
    raise SystemExit(1)
