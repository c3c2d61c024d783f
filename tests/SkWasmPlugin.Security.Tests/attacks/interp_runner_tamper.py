# attack: tamper with the in-guest runner (_skwasm) to make the next call lie or fail, then check other sessions
# expect: blocked
import sys
runner = sys.modules.get('_skwasm')
print('runner module:', runner)
if runner is not None:
    runner.FILENAME = 'POISONED'
    runner._describe = lambda exc: {'type': 'POISONED'}
print('BLOCKED only this session affected')
#### probe
import sys
r = sys.modules.get('_skwasm')
print('CLEAN' if r is None or (r.FILENAME == '<code>' and r._describe.__name__ == '_describe') else 'TAINTED')
