# attack: make a multi-GB file with a seek far past the end and a one-byte write (a sparse file, no big buffer needed)
# expect: blocked
# session: small
import errno, os
for size in [3 * 1024**3, 10**12]:
    try:
        with open('sparse.bin', 'wb') as f:
            f.seek(size)
            f.write(b'x')
        print('ESCAPED size now', os.path.getsize('sparse.bin'))
    except OSError as e:
        print('BLOCKED', size, errno.errorcode.get(e.errno), e)
    try:
        fd = os.open('pw.bin', os.O_CREAT | os.O_WRONLY)
        os.pwrite(fd, b'x', size)
        os.close(fd)
        print('ESCAPED pwrite size now', os.path.getsize('pw.bin'))
    except OSError as e:
        print('BLOCKED pwrite', size, errno.errorcode.get(e.errno), e)
