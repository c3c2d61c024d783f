# attack: sys.exit with a 20 MB message (printed to stderr; the result must stay within the caps)
# expect: handled|limit
# stderr-max: 1100000
import sys
sys.exit('E' * 20_000_000)
