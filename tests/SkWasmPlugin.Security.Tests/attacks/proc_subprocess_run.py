# attack: start a host process with subprocess.run / Popen / check_output
# expect: blocked
try:
    import subprocess
    out = subprocess.run(['/bin/sh', '-c', 'id'], capture_output=True)
    print('ESCAPED', out)
except (ImportError, OSError, RuntimeError, AttributeError) as e:
    print('BLOCKED', type(e).__name__, e)
try:
    import _posixsubprocess
    print('ESCAPED _posixsubprocess importable')
except ImportError as e:
    print('BLOCKED _posixsubprocess', e)
