# attack: 10**10**8, a 100-million-digit integer (one C call that runs for minutes)
# expect: limit
# limits: fuel=1000000000 timeout=3s
# max-seconds: 5
x = 10**10**8
print(len(str(x)))
