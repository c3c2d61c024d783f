# attack: block forever on stdin (sys.stdin.read(), input(), os.read(0)) - stdin is a buffer that ends
# expect: success
# stdout-has: EOF-OK
import os, sys
data = sys.stdin.read()
chunk = os.read(0, 1024)
try:
    input()
    print('input returned a line?')
except EOFError:
    pass
print('EOF-OK' if data == '' and chunk == b'' else 'unexpected', repr(data), chunk)
