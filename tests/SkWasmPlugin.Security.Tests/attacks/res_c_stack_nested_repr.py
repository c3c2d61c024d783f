# attack: a list nested 200000 deep, then repr() and pickle it (C recursion in the runtime)
# expect: outcome=Error|Crashed|MemoryExhausted
import pickle
x = []
for _ in range(200_000):
    x = [x]
try:
    repr(x)
except RecursionError as e:
    print('repr refused', e)
pickle.dumps(x)
