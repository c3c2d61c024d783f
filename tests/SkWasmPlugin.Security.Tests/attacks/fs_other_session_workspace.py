# attack: read another session's workspace by guessing its path (relative to /app, and the host storage path)
# expect: blocked
import os
victim = '{{VICTIM_ID}}'
for path in ['/app/../' + victim + '/workspace/secret.txt', '../../' + victim + '/workspace/secret.txt',
             '{{STORAGE_ROOT}}/' + victim + '/workspace/secret.txt', '{{STORAGE_ROOT}}/' + victim + '/state/python.ckpt',
             '/' + victim + '/workspace/secret.txt', '/sessions/' + victim + '/workspace/secret.txt']:
    try:
        print('ESCAPED', path, open(path, 'rb').read()[:40])
    except OSError as e:
        print('BLOCKED', path, e)
for path in ['{{STORAGE_ROOT}}', '/app/..']:
    try:
        print('ESCAPED', path, os.listdir(path)[:5])
    except OSError as e:
        print('BLOCKED', path, e)
