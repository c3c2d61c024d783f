# attack: replace the process image with os.execv / os.execve / os.execl
# expect: blocked
import os
for name in ['execv', 'execve', 'execl', 'execvp']:
    try:
        fn = getattr(os, name)
        fn('/bin/sh', ['sh', '-c', 'id'], {}) if name == 'execve' else fn('/bin/sh', ['sh', '-c', 'id'])
        print('ESCAPED', name)
    except (AttributeError, OSError, TypeError) as e:
        print('BLOCKED', name, type(e).__name__, e)
