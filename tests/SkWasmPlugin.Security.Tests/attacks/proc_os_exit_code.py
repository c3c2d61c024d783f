# attack: os._exit(4) (the WASI proc_exit call) must end the program with exit code 4, not the host
# expect: outcome=Error
# exit-code: 4
import os
print('leaving', flush=True)
os._exit(4)
