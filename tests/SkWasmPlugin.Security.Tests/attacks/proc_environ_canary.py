# attack: read host environment variables (the test sets {{ENV_NAME}} to a secret in the host process)
# expect: blocked
import os
env = dict(os.environ)
print('guest environment:', env)
print('getenv:', os.getenv('{{ENV_NAME}}'), os.getenv('PATH'), os.getenv('HOME'))
leaked = [k for k in env if k in ('{{ENV_NAME}}', 'PATH', 'HOME', 'USER', 'DOTNET_ROOT')]
print('ESCAPED' if leaked else 'BLOCKED no host variables', leaked)
