# attack: os._exit(0) in the middle of a call: ends the call, not the host
# expect: outcome=Success
# exit-code: 0
import os
print('leaving', flush=True)
os._exit(0)
print('unreachable')
