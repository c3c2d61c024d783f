# attack: sys.exit(3) must end the program with exit code 3, not the host
# expect: outcome=Error
# exit-code: 3
import sys
print('leaving')
sys.exit(3)
