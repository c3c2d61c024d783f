# attack: read the host's /etc/passwd by its absolute path
# expect: blocked
try:
    data = open('/etc/passwd').read()
    print('ESCAPED', data[:80])
except OSError as e:
    print('BLOCKED', type(e).__name__, e)
