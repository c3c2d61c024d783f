# attack: gzip bomb from repeated members (3 GB of zeros from one 1 MB member repeated 3000 times)
# expect: memory|limit
import gzip
member = gzip.compress(b'\0' * (1024 * 1024), 9)
print('member is', len(member), 'bytes', flush=True)
out = gzip.decompress(member * 3000)
print('ESCAPED inflated', len(out))
