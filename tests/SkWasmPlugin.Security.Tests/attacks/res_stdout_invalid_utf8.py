# attack: write bytes that are not UTF-8 (lone continuation bytes, NUL, escape sequences) to stdout and stderr
# expect: success
# stdout-has: after
import sys
sys.stdout.buffer.write(b'\xff\xfe\x80 \x00 \x1b[2J\x1b]0;pwned\x07 \xed\xa0\x80\n')
sys.stderr.buffer.write(b'\xc3\x28\n')
sys.stdout.flush()
print('after')
