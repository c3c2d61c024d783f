# attack: a folder chain whose host path is far longer than PATH_MAX (40 levels of 250-character names = 10 KB)
# expect: handled
# session: small
# stateless: also
import os
depth = 0
try:
    for i in range(40):
        os.mkdir(chr(ord('a') + i % 26) * 250)
        os.chdir(chr(ord('a') + i % 26) * 250)
        depth += 1
    with open('bottom.txt', 'w') as f:
        f.write('deep')
    print('made depth', depth, 'cwd length', len(os.getcwd()))
except OSError as e:
    print('stopped at depth', depth, type(e).__name__, e)
os.chdir('/app')
