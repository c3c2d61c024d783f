# attack: close stdout, reopen a workspace file with O_APPEND as fd 1 and append past the quota
# expect: blocked
# session: small
# stateless: also
import errno, os, sys
os.close(1)
f = os.open('/app/a.log', os.O_WRONLY | os.O_CREAT | os.O_APPEND)
n = 0
try:
    while n < 300:
        os.write(f, b'a' * (1 << 20)); n += 1
    print('ESCAPED', n, file=sys.stderr)
except OSError as e:
    print('BLOCKED after', n, 'MB', errno.errorcode.get(e.errno), file=sys.stderr)
    raise SystemExit(1)
