# attack: sink a 3 MB file below a folder chain too deep for the host to measure (6 KB path), then push the workspace past its 4 MB quota
# expect: blocked
# session: small
import errno, os
name = 'n' * 200
os.mkdir(name)
with open(name + '/hidden.bin', 'wb') as f:
    f.write(b'h' * (3 * 1024 * 1024))
for i in range(30):
    os.mkdir('t')
    os.rename(name, 't/' + name)
    os.rename('t', name)
print('hidden.bin now sits about', 31 * 201, 'characters deep')
made = 0
try:
    for i in range(200):
        with open(f'f{i}.bin', 'wb') as f:
            f.write(b'x' * 100_000)
        made += 1
    print('ESCAPED made', made)
except OSError as e:
    print('BLOCKED after', made, 'files:', errno.errorcode.get(e.errno), e)
