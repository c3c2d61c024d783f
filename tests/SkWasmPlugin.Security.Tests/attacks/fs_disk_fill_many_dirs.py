# attack: exhaust the host with folders: os.makedirs of a 300-deep chain and many siblings
# expect: blocked
# session: small
# stateless: also
import errno, os
try:
    os.makedirs('/'.join(['d'] * 300))
    print('ESCAPED deep chain')
except OSError as e:
    print('BLOCKED chain', errno.errorcode.get(e.errno), e)
made = 0
try:
    for i in range(100_000):
        os.mkdir(f'sib{i}')
        made += 1
    print('ESCAPED siblings', made)
except OSError as e:
    print('BLOCKED after', made, 'siblings:', errno.errorcode.get(e.errno))
