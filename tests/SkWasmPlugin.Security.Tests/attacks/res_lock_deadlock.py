# attack: deadlock on purpose: wait on an Event no one sets, acquire a held lock (no threads exist to release them)
# expect: outcome=TimedOut|FuelExhausted|Error
# limits: timeout=2s
# max-seconds: 3
import threading
lock = threading.Lock()
lock.acquire()
print('second acquire returned', lock.acquire(timeout=1))
threading.Event().wait()
