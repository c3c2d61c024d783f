# attack: swallow the soft stop (except BaseException) and keep looping, so only the hard stop can end it
# expect: outcome=FuelExhausted|TimedOut
# limits: fuel=200000000 timeout=5s
# max-seconds: 6
caught = 0
while True:
    try:
        while True:
            pass
    except BaseException:
        caught += 1
