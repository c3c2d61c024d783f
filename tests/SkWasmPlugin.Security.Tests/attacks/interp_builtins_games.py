# attack: __builtins__ games: __import__ through the builtins dict, deleted and restored builtins, eval/exec with custom globals
# expect: blocked
b = __builtins__ if isinstance(__builtins__, dict) else __builtins__.__dict__
os = b['__import__']('os')
try:
    os.system('id')
    print('ESCAPED system')
except AttributeError as e:
    print('BLOCKED system', e)
g = {'__builtins__': {'__import__': b['__import__']}}
try:
    exec("o = __import__('posix'); r = o.open('/etc/passwd', 0)", g)
    print('ESCAPED posix.open', g.get('r'))
except OSError as e:
    print('BLOCKED posix.open', e)
try:
    eval("__import__('_io').open('{{CANARY_FILE}}').read()", {'__builtins__': b})
    print('ESCAPED _io.open')
except OSError as e:
    print('BLOCKED _io.open', e)
