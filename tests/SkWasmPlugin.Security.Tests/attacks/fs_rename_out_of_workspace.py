# attack: move a file out of the workspace with os.rename/os.replace/shutil.move to ../ and absolute host paths
# expect: blocked
import os, shutil
open('payload.txt', 'w').write('pwned')
for target in ['../payload.txt', '/app/../../payload.txt', '{{CANARY_DIR}}/payload.txt', '/usr/local/lib/payload.txt', '/tmp/payload.txt']:
    for name, move in [('rename', os.rename), ('replace', os.replace), ('shutil.move', shutil.move)]:
        try:
            move('payload.txt', target)
            print('ESCAPED', name, target)
            break
        except OSError as e:
            print('BLOCKED', name, target, type(e).__name__)
