from prettytable import PrettyTable
t = PrettyTable(["City", "Pop (k)"])
t.align["City"] = "l"
for row in [("Oslo", 709), ("Bergen", 286), ("Trondheim", 212)]:
    t.add_row(row)
t.sortby = "Pop (k)"
t.reversesort = True
print(t)
