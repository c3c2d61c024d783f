# attack: open a TCP connection to the internet and to the host's loopback (socket.socket().connect)
# expect: blocked
import socket
for address in [('1.1.1.1', 80), ('127.0.0.1', 22), ('localhost', 5000)]:
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(1)
        s.connect(address)
        print('ESCAPED connected', address)
    except (OSError, AttributeError) as e:
        print('BLOCKED', address, type(e).__name__, e)
