# attack: a NameError among globals with megabyte-long names (the candidate list of the report)
# expect: handled|limit
for i in range(20):
    globals()['v' * 1_000_000 + str(i)] = i
undefined_name
