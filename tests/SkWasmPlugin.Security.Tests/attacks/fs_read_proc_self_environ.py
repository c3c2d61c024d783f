# attack: read the host process environment and memory map through /proc/self
# expect: blocked
for path in ['/proc/self/environ', '/proc/self/maps', '/proc/self/cmdline', '/proc/1/environ']:
    try:
        data = open(path, 'rb').read()
        print('ESCAPED', path, data[:80])
    except OSError as e:
        print('BLOCKED', path, e)
