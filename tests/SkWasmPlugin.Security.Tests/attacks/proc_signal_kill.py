# attack: signal the host: os.kill of pid 1, os.killpg, signal.alarm, then SIGKILL to ourselves (must end only this call)
# expect: outcome=Crashed
# output-has: BLOCKED kill 1
import os
print('pid', os.getpid() if hasattr(os, 'getpid') else None)
attempts = [
    ('kill 1', lambda: os.kill(1, 9)),
    ('killpg', lambda: os.killpg(0, 9)),
    ('alarm', lambda: __import__('signal').alarm(1)),
    ('setitimer', lambda: __import__('signal').setitimer(0, 1.0)),
]
for name, action in attempts:
    try:
        result = action()
        print('returned', name, result)
    except (AttributeError, OSError, ImportError, ValueError) as e:
        print('BLOCKED', name, type(e).__name__, e)
print('now killing ourselves', flush=True)
# wasi-libc emulates signals: the default action of SIGKILL aborts the interpreter (a trap), never the host
__import__('signal').raise_signal(9)
print('unreachable')
