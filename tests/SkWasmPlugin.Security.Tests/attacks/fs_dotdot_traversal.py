# attack: climb out of /app with ../ (relative, absolute, chdir, os.walk)
# expect: blocked
import os
for path in ['../etc/passwd', '../../../../../../etc/passwd', '/app/../etc/passwd', '/app/../../../etc/passwd',
             './../../etc/hostname', '..', '/app/..', '/app/../..']:
    try:
        if os.path.isdir(path) or path.endswith('..'):
            print('ESCAPED', path, os.listdir(path)[:5])
        else:
            print('ESCAPED', path, open(path).read()[:40])
    except OSError as e:
        print('BLOCKED', path, e)
try:
    os.chdir('..')
    print('chdir ok, cwd', os.getcwd())
    print('ESCAPED', os.listdir('.')[:5])
except OSError as e:
    print('BLOCKED chdir', e)
walked = [d for d, _, _ in os.walk('/app/..')]
print('walk of /app/.. gave', len(walked), 'folders')
if any(not d.startswith('/app') for d in walked) and len(walked) > 1:
    print('ESCAPED walk', walked[:5])
