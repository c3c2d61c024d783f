# attack: an AttributeError on an object with thousands of huge attribute names
# expect: handled|limit
class Big: pass
b = Big()
for i in range(300):
    setattr(b, 'a' * 100_000 + str(i), i)
b.missing
