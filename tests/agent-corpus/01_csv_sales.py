import csv, statistics
from collections import defaultdict
rows = [("region", "product", "units", "price"), ("north", "apple", 12, 0.5), ("south", "apple", 7, 0.55),
        ("north", "pear", 3, 0.8), ("east", "plum", 20, 0.3), ("south", "pear", 9, 0.75)]
with open("sales.csv", "w", newline="") as f:
    csv.writer(f).writerows(rows)
by_region = defaultdict(float)
with open("sales.csv") as f:
    for r in csv.DictReader(f):
        by_region[r["region"]] += int(r["units"]) * float(r["price"])
for region, total in sorted(by_region.items(), key=lambda kv: -kv[1]):
    print(f"{region:6} {total:7.2f}")
print("median units:", statistics.median(int(r[2]) for r in rows[1:]))
