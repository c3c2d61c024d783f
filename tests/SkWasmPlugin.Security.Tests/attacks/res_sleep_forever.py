# attack: time.sleep(10**9) to hold a host thread forever (2 s timeout: must end within 3 s)
# expect: outcome=TimedOut
# limits: timeout=2s
# max-seconds: 3
import time
time.sleep(10**9)
