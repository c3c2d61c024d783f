# attack: lzma/xz bomb from concatenated streams (3 GB of zeros from 3000 copies of a 1 MB stream)
# expect: memory|limit
import lzma
stream = lzma.compress(b'\0' * (1024 * 1024))
print('stream is', len(stream), 'bytes', flush=True)
out = lzma.decompress(stream * 3000)
print('ESCAPED inflated', len(out))
