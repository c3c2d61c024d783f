# attack: 10 MB on stderr (the cap is 1 MB)
# expect: outcome=OutputLimitExceeded
# stderr-max: 1048576
import sys
for _ in range(10):
    sys.stderr.write('e' * (1024 * 1024))
