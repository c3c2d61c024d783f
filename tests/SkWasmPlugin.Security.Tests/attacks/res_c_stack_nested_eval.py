# attack: exhaust the parser's C stack with eval('[' * 100000)
# expect: outcome=Error|Crashed|MemoryExhausted
eval('[' * 100000)
