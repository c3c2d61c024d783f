# attack: raise the recursion limit to 10**6 and recurse, to exhaust the interpreter's C stack
# expect: outcome=Error|Crashed|MemoryExhausted|FuelExhausted
import sys
sys.setrecursionlimit(10**6)
def f(n):
    return f(n + 1)
f(0)
