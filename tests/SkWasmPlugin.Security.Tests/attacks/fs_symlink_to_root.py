# attack: make /app/root a symlink to the host's / (absolute targets: /, /etc, the host canary folder)
# expect: blocked
import os
for target in ['/', '/etc', '{{CANARY_DIR}}', '/usr/local/lib']:
    try:
        os.symlink(target, 'link')
        print('symlink created to', target)
        print('ESCAPED', os.listdir('link')[:5])
    except OSError as e:
        print('BLOCKED', target, e)
    finally:
        if os.path.lexists('link'):
            os.unlink('link')
