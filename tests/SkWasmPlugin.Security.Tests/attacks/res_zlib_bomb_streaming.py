# attack: the same deflate bomb read through a bounded decompressobj (how careful code reads untrusted data): handled
# expect: success
# stdout-has: bounded to 1048576
import zlib
zero = b'\0' * (1024 * 1024)
c = zlib.compressobj(9, zlib.DEFLATED, -15)
first = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
unit = c.compress(zero) + c.flush(zlib.Z_FULL_FLUSH)
bomb = first + unit * 3000 + c.flush()
d = zlib.decompressobj(-15)
out = d.decompress(bomb, 1024 * 1024)
print('bounded to', len(out), 'with', len(d.unconsumed_tail), 'bytes left unread')
