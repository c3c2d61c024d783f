# attack: drop json.py / random.py into the workspace to shadow the stdlib (for this and other sessions)
# expect: blocked
import sys
open('json.py', 'w').write("def dumps(*a, **k): return 'POISONED'\n")
open('random.py', 'w').write("def random(): return 4\n")
open('sitecustomize.py', 'w').write("import builtins; builtins.POISONED = True\n")
print('sys.path:', sys.path)
print('BLOCKED (shadowing one\'s own workspace is allowed; other sessions must not see it)')
#### probe
import json, builtins
print('CLEAN' if json.dumps(1) == '1' and not hasattr(builtins, 'POISONED') else 'TAINTED')
