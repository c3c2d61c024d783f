# attack: run a host shell command with os.system / os.popen
# expect: blocked
import os
for name in ['system', 'popen']:
    try:
        result = getattr(os, name)('id > /app/id.txt; cat /etc/passwd')
        print('returned', result)
        import os.path
        print('ESCAPED' if os.path.exists('/app/id.txt') else 'BLOCKED no effect', name)
    except (AttributeError, OSError) as e:
        print('BLOCKED', name, type(e).__name__, e)
