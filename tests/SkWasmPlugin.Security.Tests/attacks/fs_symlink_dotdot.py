# attack: relative symlinks that climb out of the workspace ('..', '../..') to reach the session store through host code
# expect: blocked
import os
os.makedirs('d', exist_ok=True)
for name, target in [('up', '..'), ('up2', '../..'), ('d/up3', '../../..'), ('self', '.')]:
    try:
        os.symlink(target, name)
        print('symlink created', name, '->', target)
        print('ESCAPED', os.listdir(name)[:5])
    except OSError as e:
        print('BLOCKED', name, e)
