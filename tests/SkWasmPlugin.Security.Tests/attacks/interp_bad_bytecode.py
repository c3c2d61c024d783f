# attack: run a hand-made code object with garbage bytecode (may corrupt the interpreter: must trap, not hurt the host)
# expect: outcome=Error|Crashed|Success
def f():
    return 1
code = f.__code__
bad = code.replace(co_code=bytes([100, 255, 1, 255, 83, 0, 131, 7] * 8), co_consts=(), co_names=())
g = type(f)(bad, {})
print('calling garbage')
g()
