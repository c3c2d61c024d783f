# attack: nest folders deeper than any path limit using only short paths (mkdir t; rename d -> t/d; rename t -> d; repeat)
# expect: handled
# stateless: also
import os
name = 'n' * 200
os.mkdir(name)
depth = 1
try:
    for i in range(60):
        os.mkdir('t')
        os.rename(name, 't/' + name)
        os.rename('t', name)
        depth += 1
    print('nested', depth, 'levels, about', depth * 201, 'characters deep')
except OSError as e:
    print('stopped at', depth, type(e).__name__, e)
