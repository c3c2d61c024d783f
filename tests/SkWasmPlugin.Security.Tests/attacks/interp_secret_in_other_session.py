# attack: read another session's Python variables (the victim session defines `secret`) from globals and builtins
# expect: blocked
import builtins
leak = globals().get('secret') or getattr(builtins, 'secret', None)
print('ESCAPED', leak) if leak else print('BLOCKED nothing found')
