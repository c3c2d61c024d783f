# attack: very long file names (255, 256, 4096 and 100000 characters, also multi-byte)
# expect: handled
import os
for name in ['a' * 255, 'b' * 256, 'c' * 4096, 'd' * 100_000, 'é' * 200, '\U0001F600' * 100]:
    try:
        with open(name, 'w') as f:
            f.write('x')
        print('created', len(name), 'chars')
    except (OSError, ValueError) as e:
        print('refused', len(name), 'chars:', type(e).__name__)
print('entries', len(os.listdir('.')))
