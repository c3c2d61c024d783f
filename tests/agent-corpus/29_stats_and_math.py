import statistics, math, random
random.seed(7)
data = [random.gauss(50, 10) for _ in range(1000)]
print(round(statistics.mean(data), 3), round(statistics.stdev(data), 3))
print(round(statistics.correlation(list(range(10)), [2 * x + 1 for x in range(10)]), 6))
slope, intercept = statistics.linear_regression([1, 2, 3, 4], [2.1, 3.9, 6.2, 7.8])
print(round(slope, 4), round(intercept, 4))
print(math.comb(52, 5), math.isqrt(10**12 + 1), math.gcd(84, 36))
