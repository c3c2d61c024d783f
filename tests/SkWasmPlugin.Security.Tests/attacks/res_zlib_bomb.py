# attack: zlib (raw deflate) bomb: 3 GB of zeros from about 3 MB, one stream of identical fully-flushed blocks
# expect: memory|limit
import zlib
zero = b'\0' * (1024 * 1024)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
first = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
unit = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
bomb = first + unit * 3000 + c.flush()
print('bomb is', len(bomb), 'bytes', flush=True)
out = zlib.decompress(bomb, -15)
print('ESCAPED inflated', len(out))
