# Runs inside the SkWasmPlugin sandbox (WasmSkillScriptRunner): the arguments arrive as JSON on stdin.
import csv, io, json, statistics, sys

args = json.load(sys.stdin)
values = [float(row[args["column"]]) for row in csv.DictReader(io.StringIO(args["csv"]))]
print(json.dumps({"count": len(values), "mean": statistics.mean(values), "min": min(values), "max": max(values)}))
