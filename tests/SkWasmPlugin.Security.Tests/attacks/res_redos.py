# attack: catastrophic regex backtracking (ReDoS) inside the C regex engine
# expect: outcome=FuelExhausted|TimedOut
# limits: fuel=500000000 timeout=3s
# max-seconds: 5
import re
print(re.match('(a+)+$', 'a' * 40 + 'b'))
