# attack: listen on a port and send UDP datagrams
# expect: blocked
import socket
try:
    s = socket.socket()
    s.bind(('0.0.0.0', 8080))
    s.listen()
    print('ESCAPED listening')
except (OSError, AttributeError) as e:
    print('BLOCKED listen', type(e).__name__, e)
try:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.sendto(b'ping', ('8.8.8.8', 53))
    print('ESCAPED udp')
except (OSError, AttributeError) as e:
    print('BLOCKED udp', type(e).__name__, e)
