# attack: unbounded Python recursion
# expect: outcome=Error
# output-has: RecursionError
def f(n):
    return f(n + 1)
f(0)
