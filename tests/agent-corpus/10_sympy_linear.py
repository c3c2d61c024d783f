import sympy as sp
M = sp.Matrix([[2, 1], [1, 3]])
print(M.det(), M.inv())
print(M.eigenvals())
a, b = sp.symbols("a b")
print(sp.linsolve([a + b - 3, a - b - 1], a, b))
print(sp.factor(a**3 - b**3))
