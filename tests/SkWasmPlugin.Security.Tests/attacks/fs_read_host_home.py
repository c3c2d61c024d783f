# attack: reach the host user's home folder (~ and its absolute path) and ssh keys
# expect: blocked
import os
home = os.path.expanduser('~')
print('expanduser ->', home)
for path in [home, '{{HOME}}', '{{HOME}}/.ssh', '/root', '/home']:
    try:
        print('ESCAPED', path, os.listdir(path)[:5])
    except OSError as e:
        print('BLOCKED', path, e)
for path in ['{{HOME}}/.bashrc', '{{HOME}}/.ssh/id_rsa', '{{HOME}}/.nuget/NuGet/NuGet.Config']:
    try:
        print('ESCAPED', path, open(path).read()[:40])
    except OSError as e:
        print('BLOCKED', path, e)
