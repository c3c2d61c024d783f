# attack: an endless loop inside a __del__ finaliser (runs in interpreter teardown paths)
# expect: outcome=FuelExhausted|TimedOut
# limits: fuel=200000000 timeout=5s
class Trap:
    def __del__(self):
        while True:
            pass
t = Trap()
del t
