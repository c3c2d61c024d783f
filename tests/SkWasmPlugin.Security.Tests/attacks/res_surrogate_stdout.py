# attack: print lone surrogates to stdout and stderr (the host must decode what it gets)
# expect: handled
import sys
sys.stdout.buffer.write(b'\xff\xfe invalid utf-8\n')
print('\udcff'.encode('utf-8', 'surrogateescape'), file=sys.stderr)
print('done')
