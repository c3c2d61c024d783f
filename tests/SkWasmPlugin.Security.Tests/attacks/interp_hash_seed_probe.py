# attack: learn the shared start-up state (hash seed, id() layout) - documented as shared, must hold no secrets
# expect: handled
import sys
print('hash of "a":', hash('a'), 'id of None:', id(None), 'flags.hash_randomization:', sys.flags.hash_randomization)
