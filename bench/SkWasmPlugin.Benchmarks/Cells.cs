namespace SkWasmPlugin.Benchmarks;

/// <summary>
/// Realistic agent cells: short programs that import the standard-library modules agents reach for most and do a
/// little work with them. Each prints deterministic output (no set order, seeded randomness), so the sandbox's
/// stdout must equal native python3's for the same file.
/// </summary>
internal static class Cells
{
    public sealed record Cell(string Name, string Code);

    public static IReadOnlyList<Cell> All { get; } =
    [
        new("json+statistics", """
            import json, statistics
            data = json.loads('{"region": "north", "sales": [120.5, 98.0, 143.25, 110.0, 99.75, 131.0, 87.5, 150.0]}')
            v = data["sales"]
            summary = {"mean": round(statistics.mean(v), 3), "median": statistics.median(v), "stdev": round(statistics.stdev(v), 3)}
            print(json.dumps(summary, sort_keys=True))
            """),
        new("csv+re+Counter", """
            import csv, io, re
            from collections import Counter
            text = "name,comment\nann,Great product! Works great.\nbob,not great; broke after a week\ncid,Works as described - great value\n"
            words = Counter()
            for row in csv.DictReader(io.StringIO(text)):
                words.update(w.lower() for w in re.findall(r"[A-Za-z']+", row["comment"]))
            print(words.most_common(3))
            """),
        new("datetime+calendar", """
            import datetime, calendar
            start = datetime.date(2026, 1, 15)
            due = [start + datetime.timedelta(days=30 * i) for i in range(4)]
            print([d.isoformat() for d in due], calendar.day_name[due[-1].weekday()])
            print(calendar.monthrange(2026, 2), calendar.isleap(2028))
            print(datetime.datetime(2026, 3, 1, 9, 30).strftime("%Y-%m-%d %H:%M"), (due[-1] - start).days)
            """),
        new("decimal+fractions", """
            from decimal import Decimal, ROUND_HALF_UP
            from fractions import Fraction
            prices = [Decimal("19.99"), Decimal("5.49"), Decimal("3.333")]
            total = sum(prices) * Decimal("1.0825")
            print(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            print(sum(Fraction(1, n) for n in range(1, 11)))
            """),
        new("sqlite3", """
            import sqlite3
            con = sqlite3.connect(":memory:")
            con.execute("create table sales(region text, amount real)")
            con.executemany("insert into sales values (?, ?)", [("north", 120.0), ("south", 80.5), ("north", 60.0), ("east", 99.9)])
            for row in con.execute("select region, sum(amount), count(*) from sales group by region order by region"):
                print(row)
            con.close()
            """),
        new("itertools+functools+math", """
            import itertools, functools, math, operator
            pairs = list(itertools.combinations(range(1, 8), 2))
            print(len(pairs), functools.reduce(operator.mul, range(1, 11)), math.comb(20, 5), round(math.sqrt(2), 6))
            @functools.lru_cache(maxsize=None)
            def fib(n):
                return n if n < 2 else fib(n - 1) + fib(n - 2)
            print(fib(60), list(itertools.accumulate([3, 1, 4, 1, 5])), math.gcd(84, 36))
            """),
        new("random+string", """
            import random, string
            rng = random.Random(42)
            print("".join(rng.choice(string.ascii_letters + string.digits) for _ in range(16)))
            sample = rng.sample(range(100), 5)
            rng.shuffle(sample)
            print(sample, round(rng.uniform(0, 10), 6), rng.randint(1, 6))
            """),
        new("textwrap+string", """
            import textwrap, string
            text = "The quick brown fox jumps over the lazy dog. " * 4
            print(textwrap.fill(text, width=40))
            print(textwrap.shorten(text, width=30), string.Template("$who likes $what").substitute(who="ann", what="tea"))
            print(textwrap.indent("a\nb", "> "))
            """),
        new("collections+heapq+bisect", """
            from collections import defaultdict, deque, namedtuple
            import heapq, bisect
            Point = namedtuple("Point", "x y")
            groups = defaultdict(list)
            for w in "apple banana avocado blueberry cherry".split():
                groups[w[0]].append(w)
            print(dict(groups), heapq.nlargest(2, [5, 1, 9, 3]), bisect.bisect([1, 3, 5, 7], 4), Point(1, 2))
            d = deque(range(5), maxlen=3)
            d.append(9)
            print(list(d))
            """),
        new("io+csv+json", """
            import csv, io, json
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(["id", "score"])
            w.writerows([[1, 0.5], [2, 0.75], [3, 0.9]])
            buf.seek(0)
            rows = list(csv.DictReader(buf))
            print(json.dumps(rows, indent=1))
            """),
        new("dataclasses+enum+typing", """
            from dataclasses import dataclass, field, asdict
            from typing import List, Optional
            import enum
            class Status(enum.Enum):
                OPEN = 1
                DONE = 2
            @dataclass
            class Task:
                title: str
                tags: List[str] = field(default_factory=list)
                status: Status = Status.OPEN
                owner: Optional[str] = None
            t = Task("write report", ["work"])
            print(asdict(t)["title"], t.status.name, t)
            """),
        new("hashlib+base64+hmac", """
            import hashlib, base64, hmac
            digest = hashlib.sha256(b"report-2026").hexdigest()
            print(digest[:16], base64.b64encode(b"agent data").decode(), hmac.new(b"k", b"msg", "sha256").hexdigest()[:12])
            """),
    ];

    /// <summary>Modules whose import cost (fuel, time, pages it dirties) the <c>imports</c> mode measures.</summary>
    public static IReadOnlyList<string> Candidates { get; } =
    [
        "json", "re", "csv", "datetime", "collections", "statistics", "math", "decimal", "itertools", "sqlite3", "random",
        "string", "textwrap", "functools", "io", "fractions", "calendar", "heapq", "bisect", "operator", "dataclasses",
        "typing", "enum", "hashlib", "base64", "hmac", "pathlib", "copy", "pprint", "time", "uuid", "struct", "array",
        "zoneinfo", "urllib.parse", "html", "xml.etree.ElementTree", "pickle", "glob", "shutil", "tempfile", "zipfile",
        "gzip", "argparse", "logging", "inspect", "contextlib", "abc", "numbers", "difflib", "unicodedata",
    ];
}
