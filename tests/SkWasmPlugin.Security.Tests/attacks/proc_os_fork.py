# attack: fork the interpreter (os.fork, os.forkpty, os.spawnv, os.posix_spawn)
# expect: blocked
import os
for name, call in [('fork', lambda: os.fork()), ('forkpty', lambda: os.forkpty()),
                   ('spawnv', lambda: os.spawnv(os.P_WAIT, '/bin/sh', ['sh'])),
                   ('posix_spawn', lambda: os.posix_spawn('/bin/sh', ['sh'], {}))]:
    try:
        print('ESCAPED', name, call())
    except (AttributeError, OSError, NameError) as e:
        print('BLOCKED', name, type(e).__name__, e)
