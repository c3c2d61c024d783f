# attack: learn about the host: uname, hostname, uid, cpu count, platform, loadavg
# expect: handled
import os, platform, sys
info = {}
for name, fn in [('uname', lambda: os.uname()), ('platform', platform.platform), ('node', platform.node),
                 ('cpu_count', os.cpu_count), ('getuid', lambda: os.getuid()), ('getlogin', lambda: os.getlogin()),
                 ('loadavg', lambda: os.getloadavg()), ('hostname', lambda: __import__('socket').gethostname())]:
    try:
        info[name] = fn()
    except Exception as e:
        info[name] = type(e).__name__
print(sys.platform, info)
