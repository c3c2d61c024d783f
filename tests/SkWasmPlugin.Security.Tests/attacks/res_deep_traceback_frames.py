# attack: an exception through 900 frames of the user's code (the report's frame list must be capped)
# expect: handled
import sys
sys.setrecursionlimit(2000)
def f(n):
    if n == 0:
        raise ValueError('bottom')
    return f(n - 1)
f(900)
