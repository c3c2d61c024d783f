# attack: write to /proc/self/mem to patch the host process
# expect: blocked
try:
    with open('/proc/self/mem', 'r+b') as f:
        f.seek(0x400000)
        f.write(b'\xcc' * 16)
    print('ESCAPED')
except OSError as e:
    print('BLOCKED', e)
