import sympy as sp
x = sp.symbols("x")
f = sp.sin(x) * sp.exp(x)
print(sp.diff(f, x))
print(sp.integrate(x**2 * sp.exp(-x), (x, 0, sp.oo)))
print(sp.solve(sp.Eq(x**2 - 5*x + 6, 0), x))
print(sp.series(sp.cos(x), x, 0, 6))
