# attack: classic sandbox escape via ().__class__.__base__.__subclasses__() to reach os/FileIO/_io and open host files
# expect: blocked
found = {}
for cls in ().__class__.__base__.__subclasses__():
    name = cls.__name__
    if name in ('FileIO', '_wrap_close', 'Popen', 'BuiltinImporter', 'catch_warnings'):
        found[name] = cls
print('reachable:', sorted(found))
try:
    os = found['catch_warnings']()._module.__builtins__['__import__']('os')
    print('got os via catch_warnings:', os.name)
    print('ESCAPED', open('/etc/passwd').read()[:40])
except (KeyError, OSError, AttributeError) as e:
    print('BLOCKED open via builtins', type(e).__name__, e)
try:
    print('ESCAPED', found['FileIO']('/etc/passwd').read(40))
except (KeyError, OSError) as e:
    print('BLOCKED FileIO', type(e).__name__, e)
try:
    imp = found['BuiltinImporter']
    posix = imp.load_module('posix')
    print('ESCAPED posix.system', posix.system('id'))
except (KeyError, AttributeError, OSError, ImportError) as e:
    print('BLOCKED posix', type(e).__name__, e)
