# attack: speak HTTP with http.client to the internet and the cloud metadata service
# expect: blocked
import http.client
for host in ['example.com', '169.254.169.254', '127.0.0.1']:
    try:
        c = http.client.HTTPConnection(host, 80, timeout=2)
        c.request('GET', '/')
        print('ESCAPED', host, c.getresponse().status)
    except Exception as e:
        print('BLOCKED', host, type(e).__name__, e)
