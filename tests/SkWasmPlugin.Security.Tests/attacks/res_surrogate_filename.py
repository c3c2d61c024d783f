# attack: create files whose names are not UTF-8, then fail on one of them
# expect: handled
import os
os.close(os.open(b'/app/\xff\xfe.bin', os.O_CREAT | os.O_WRONLY))
names = os.listdir('/app')
open(names[0] + '/nope')
