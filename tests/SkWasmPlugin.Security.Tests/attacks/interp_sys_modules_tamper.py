# attack: poison sys.modules and stdlib modules in one session (os, json, builtins.len) and hope another session sees it
# expect: blocked
import sys, types, json, builtins, os
fake = types.ModuleType('os')
fake.getcwd = lambda: 'POISONED'
sys.modules['os'] = fake
json.dumps = lambda *a, **k: 'POISONED'
builtins.len = lambda x: -1
os.environ['POISON'] = '1'
print('BLOCKED tampered only this session:', sys.modules['os'].getcwd(), json.dumps(1))
#### probe
import os, json, sys
print('CLEAN' if os.getcwd() == '/app' and json.dumps(1) == '1' and len([1, 2]) == 2 and 'POISON' not in os.environ else 'TAINTED')
