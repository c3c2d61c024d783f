import re
from collections import Counter
log = """2024-05-01 10:00:01 ERROR db timeout after 30s
2024-05-01 10:00:05 INFO request /api/users 200
2024-05-01 10:01:00 ERROR db timeout after 31s
2024-05-01 10:02:12 WARN slow request /api/orders 1200ms"""
pat = re.compile(r"^(\S+) (\S+) (\w+) (.*)$", re.M)
levels = Counter(m.group(3) for m in pat.finditer(log))
print(levels.most_common())
print(re.findall(r"/api/\w+", log))
print(sum(int(x) for x in re.findall(r"after (\d+)s", log)))
