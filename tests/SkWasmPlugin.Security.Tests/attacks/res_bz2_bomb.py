# attack: bz2 bomb from concatenated streams (3 GB of zeros from 3000 copies of a 1 MB stream)
# expect: memory|limit
import bz2
stream = bz2.compress(b'\0' * (1024 * 1024), 9)
print('stream is', len(stream), 'bytes', flush=True)
out = bz2.decompress(stream * 3000)
print('ESCAPED inflated', len(out))
