# attack: fetch a URL with urllib.request.urlopen (http, https, file://)
# expect: blocked
import urllib.request
for url in ['http://example.com/', 'https://example.com/', 'http://169.254.169.254/latest/meta-data/', 'file:///etc/passwd']:
    try:
        print('ESCAPED', url, urllib.request.urlopen(url, timeout=2).read(40))
    except Exception as e:
        print('BLOCKED', url, type(e).__name__, e)
