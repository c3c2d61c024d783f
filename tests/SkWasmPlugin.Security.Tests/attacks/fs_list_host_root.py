# attack: list the host's root folder and well-known folders (/, /tmp, /var, /etc, /dev)
# expect: blocked
import os
for path in ['/', '/tmp', '/var', '/etc', '/dev', '/sys', '/work']:
    try:
        print('ESCAPED', path, os.listdir(path)[:5])
    except OSError as e:
        print('BLOCKED', path, e)
