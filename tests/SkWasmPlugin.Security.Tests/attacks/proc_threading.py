# attack: start threads (to outlive the call or dodge the fuel meter) with threading / _thread
# expect: blocked
import threading
try:
    t = threading.Thread(target=lambda: None)
    t.start()
    t.join()
    print('ESCAPED thread ran')
except RuntimeError as e:
    print('BLOCKED threading', e)
try:
    import _thread
    _thread.start_new_thread(lambda: None, ())
    print('ESCAPED _thread')
except (RuntimeError, ImportError) as e:
    print('BLOCKED _thread', e)
try:
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        print('ESCAPED pool', pool.submit(lambda: 1).result())
except (RuntimeError, ImportError) as e:
    print('BLOCKED pool', type(e).__name__, e)
