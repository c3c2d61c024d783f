from dateutil import parser, relativedelta, rrule
import pytz
d = parser.parse("March 3, 2024 14:30")
print(d + relativedelta.relativedelta(months=+1, day=31))
print([x.date().isoformat() for x in rrule.rrule(rrule.MONTHLY, count=3, dtstart=d, byweekday=rrule.FR(1))])
paris = pytz.timezone("Europe/Paris")
print(paris.localize(d).astimezone(pytz.utc).isoformat())
