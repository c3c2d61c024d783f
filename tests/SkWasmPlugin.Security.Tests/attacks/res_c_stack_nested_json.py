# attack: exhaust the C stack with json.loads('[' * 200000)
# expect: outcome=Error|Crashed|MemoryExhausted
import json
json.loads('[' * 200000)
