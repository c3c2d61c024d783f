from datetime import datetime
from zoneinfo import ZoneInfo
meeting = datetime(2024, 6, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))
for city in ["Europe/London", "Asia/Tokyo", "Australia/Sydney"]:
    print(city, meeting.astimezone(ZoneInfo(city)).strftime("%Y-%m-%d %H:%M %Z"))
