# attack: walk up the call stack (sys._getframe, tracebacks) into the host runner's frames and globals looking for secrets
# expect: blocked
import sys
needle = '-'.join(['SKWASM', 'CANARY'])  # built at run time so the source itself holds no match
frame = sys._getframe()
mine = globals()
depth = 0
seen = []
while frame is not None:
    seen.append((frame.f_code.co_filename, frame.f_code.co_name, sorted(frame.f_locals)[:8]))
    for value in list(frame.f_locals.values()) + list(frame.f_globals.values()):
        # our own globals (seen from the runner as __main__'s dict) hold the needle itself
        if value is not needle and value is not mine and needle in repr(value)[:10000]:
            print('ESCAPED', frame.f_code.co_name)
    frame = frame.f_back
    depth += 1
print('frames', depth, seen[:4])
print('BLOCKED nothing beyond the runner')
