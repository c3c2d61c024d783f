# attack: close fd 0, reopen a workspace file as fd 0 and grow it past the quota by seek
# expect: blocked
# session: small
# stateless: also
import errno, os, sys
os.close(0)
f = os.open('/app/reused.bin', os.O_WRONLY | os.O_CREAT)
say = lambda *a: print(*a, file=sys.stderr if f == 1 else sys.stdout)
assert f == 0, f
try:
    os.lseek(f, 200 * 1024 * 1024, 0); os.write(f, b'x'); n = 200
    say('ESCAPED', n, 'MB through fd', f, 'size', os.fstat(f).st_size)
except OSError as e:
    say('BLOCKED', errno.errorcode.get(e.errno), 'size', os.fstat(f).st_size)
    raise SystemExit(1)
