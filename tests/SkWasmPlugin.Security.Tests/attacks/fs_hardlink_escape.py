# attack: hard-link files from outside the workspace (stdlib zip, /etc/passwd, the host canary) into /app, then write through the link
# expect: blocked
import os
for source in ['/usr/local/lib/python3.11/os.pyc', '/etc/passwd', '{{CANARY_FILE}}', '/app/../session.json']:
    try:
        os.link(source, 'hl')
        print('linked', source)
        with open('hl', 'ab') as f:
            f.write(b'pwned')
        print('ESCAPED', source)
    except OSError as e:
        print('BLOCKED', source, e)
