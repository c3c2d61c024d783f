# attack: pickle.loads of a payload that calls os.system / subprocess / eval on load
# expect: blocked
import pickle, os
class Evil:
    def __reduce__(self):
        return (eval, ("__import__('os').system('id') if hasattr(__import__('os'), 'system') else 'no system'",))
payload = pickle.dumps(Evil())
try:
    result = pickle.loads(payload)
    print('BLOCKED' if result == 'no system' else 'ESCAPED', result)
except (AttributeError, OSError) as e:
    print('BLOCKED', type(e).__name__, e)
