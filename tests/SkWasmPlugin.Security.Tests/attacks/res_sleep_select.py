# attack: block in select.select on stdin with no timeout (2 s timeout: must end within 3 s)
# expect: outcome=TimedOut|Success|Error
# limits: timeout=2s
# max-seconds: 3
import select, sys
print(select.select([sys.stdin], [], [], None))
