from itertools import combinations, permutations, groupby, accumulate, product
items = [3, 5, 8, 13]
print([c for c in combinations(items, 2) if sum(c) % 2 == 0])
print(len(list(permutations("abcd", 3))), list(accumulate(items)))
words = sorted(["apple", "avocado", "banana", "blueberry", "cherry"])
print({k: list(g) for k, g in groupby(words, key=lambda w: w[0])})
print(sum(1 for a, b in product(range(6), repeat=2) if a + b == 7))
