# attack: load native code with ctypes / cffi / _ctypes to call libc directly
# expect: blocked
for module in ['ctypes', '_ctypes', 'cffi', 'mmap', 'resource', 'fcntl']:
    try:
        m = __import__(module)
        if module in ('ctypes', '_ctypes', 'cffi'):
            print('ESCAPED', module, 'importable')
        else:
            print('imported', module)
    except ImportError as e:
        print('BLOCKED', module, e)
try:
    import ctypes
    ctypes.CDLL(None).system(b'id')
    print('ESCAPED called libc')
except Exception as e:
    print('BLOCKED libc', type(e).__name__)
