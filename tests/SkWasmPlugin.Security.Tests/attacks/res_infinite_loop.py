# attack: Python busy loop forever (stopped by the fuel meter)
# expect: outcome=FuelExhausted
# limits: fuel=200000000
x = 0
while True:
    x += 1
