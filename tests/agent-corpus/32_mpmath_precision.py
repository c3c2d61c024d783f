import mpmath
mpmath.mp.dps = 40
print(mpmath.sqrt(2))
print(mpmath.quad(lambda t: mpmath.exp(-t**2), [-mpmath.inf, mpmath.inf]))
print(mpmath.nstr(mpmath.zeta(3), 20))
