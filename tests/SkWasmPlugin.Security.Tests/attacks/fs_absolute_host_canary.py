# attack: read, overwrite and delete a host file by its absolute host path (a canary the test planted)
# expect: blocked
import os
for action in ['read', 'write', 'append', 'remove', 'list']:
    try:
        if action == 'read':
            print('ESCAPED', open('{{CANARY_FILE}}').read())
        elif action == 'write':
            open('{{CANARY_FILE}}', 'w').write('pwned')
            print('ESCAPED write')
        elif action == 'append':
            open('{{CANARY_DIR}}/new-file.txt', 'a').write('pwned')
            print('ESCAPED append')
        elif action == 'remove':
            os.remove('{{CANARY_FILE}}')
            print('ESCAPED remove')
        else:
            print('ESCAPED', os.listdir('{{CANARY_DIR}}'))
    except OSError as e:
        print('BLOCKED', action, e)
