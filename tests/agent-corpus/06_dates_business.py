from datetime import date, timedelta
import calendar
start = date(2024, 2, 26)
days, d = [], start
while len(days) < 5:
    if d.weekday() < 5:
        days.append(d)
    d += timedelta(days=1)
print([x.isoformat() for x in days])
print(calendar.isleap(2024), calendar.monthrange(2024, 2))
print((date(2024, 12, 25) - start).days, "days to Christmas")
