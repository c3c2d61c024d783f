from tabulate import tabulate
rows = [["alpha", 3, 2.5], ["beta", 11, 0.75], ["gamma", 7, 12.0]]
print(tabulate(rows, headers=["name", "n", "x"], tablefmt="github", floatfmt=".2f"))
print(tabulate(sorted(rows, key=lambda r: -r[1]), tablefmt="plain"))
