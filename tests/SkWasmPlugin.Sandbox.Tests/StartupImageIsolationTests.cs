using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>
/// The start-up image holds the standard-library modules agents import most (runtimes/python/_skwasm.py, PRELOADED):
/// every stateless call restores it, so whatever one call does to those modules is gone for the next; a session keeps
/// its own changes; and preloaded modules are not the user's variables.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class StartupImageIsolationTests(SandboxFixture fixture)
{
    private readonly WasmCodeSandbox _sandbox = fixture.Sandbox;

    private async Task<string> Fresh(string code)
    {
        var r = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code));
        Assert.True(r.Outcome == ExecutionOutcome.Success, $"{r.Outcome}: {r.Stderr}");
        return r.Stdout;
    }

    private async Task<string> InSession(string session, string code)
    {
        var r = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code) { SessionId = session });
        Assert.True(r.Outcome == ExecutionOutcome.Success, $"{r.Outcome}: {r.Stderr}");
        return r.Stdout;
    }

    [Fact]
    public async Task Agents_modules_are_already_imported_in_a_fresh_interpreter()
    {
        string present = await Fresh("import sys\nprint(sorted(m for m in ('json', 're', 'csv', 'datetime', 'collections', 'statistics', 'math', 'decimal', " +
            "'itertools', 'sqlite3', 'random', 'string', 'textwrap', 'functools', 'io', 'fractions', 'calendar') if m not in sys.modules))");
        Assert.Equal("[]\n", present);
        // Importing one is a dictionary lookup now, not the 22 M fuel statistics took to import.
        var r = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "import statistics, calendar, fractions, sqlite3"));
        Assert.True(r.FuelConsumed < 5_000_000, $"fuel {r.FuelConsumed:N0}");
    }

    [Fact]
    public async Task Module_attributes_patched_by_one_call_are_not_seen_by_the_next()
    {
        Assert.Equal("patched\n", await Fresh("import json, math, statistics\njson.dumps = None\nmath.pi = 3\nstatistics.mean = lambda xs: 0\nprint('patched')"));
        Assert.Equal("[1] 3.141592653589793 2\n", await Fresh("import json, math, statistics\nprint(json.dumps([1]), math.pi, statistics.mean([1, 2, 3]))"));
    }

    [Fact]
    public async Task A_seeded_random_sequence_does_not_carry_over_and_unseeded_calls_differ()
    {
        // random.seed(1) gives CPython's known sequence; the next fresh call is not a continuation of it, nor its start.
        Assert.Equal("0.13436424411240122 0.8474337369372327\n", await Fresh("import random\nrandom.seed(1)\nprint(random.random(), random.random())"));
        string next = await Fresh("import random\nprint(random.random())");
        Assert.NotEqual("0.13436424411240122\n", next);
        Assert.NotEqual("0.763774618976614\n", next); // the third number of the seeded sequence
        // The image was taken after random seeded itself: each fresh interpreter must draw its own numbers.
        var draws = new HashSet<string>();
        for (int i = 0; i < 4; i++) draws.Add(await Fresh("import random\nprint(random.random(), random.getrandbits(64))"));
        Assert.Equal(4, draws.Count);
    }

    [Fact]
    public async Task Decimal_context_csv_limit_and_sys_modules_changes_are_gone_in_the_next_call()
    {
        Assert.Equal("0.33333 10\n", await Fresh(
            "import decimal, csv, sys, types\ndecimal.getcontext().prec = 5\ncsv.field_size_limit(10)\nsys.modules['fake'] = types.ModuleType('fake')\n" +
            "print(decimal.Decimal(1) / 3, csv.field_size_limit())"));
        Assert.Equal("28 0.3333333333333333333333333333 131072 False\n", await Fresh(
            "import decimal, csv, sys\nprint(decimal.getcontext().prec, decimal.Decimal(1) / 3, csv.field_size_limit(), 'fake' in sys.modules)"));
        var r = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, "import fake"));
        Assert.Equal(ExecutionOutcome.Error, r.Outcome);
        Assert.Contains("ModuleNotFoundError", r.Stderr);
    }

    [Fact]
    public async Task A_poisoned_re_cache_does_not_reach_the_next_call()
    {
        // The same call sees its poisoned cache (so the poison works); the next call compiles the pattern afresh.
        Assert.Equal("None\n", await Fresh("import re\nre._cache[(str, 'a+', 0)] = re.compile('b+')\nprint(re.fullmatch('a+', 'aaa'))"));
        Assert.Equal("True\n", await Fresh("import re\nprint(re.fullmatch('a+', 'aaa') is not None)"));
    }

    [Fact]
    public async Task A_session_keeps_its_own_changes_to_preloaded_modules_and_others_do_not_see_them()
    {
        string s = (await _sandbox.Sessions.CreateAsync()).Id;
        string other = (await _sandbox.Sessions.CreateAsync()).Id;
        try
        {
            await InSession(s, "import json, random, statistics as st\njson.dumps = str\nrandom.seed(7)\ndata = [1, 2, 3]");
            // Notebook semantics: the patch and the seeded generator carry on within the session.
            Assert.Equal("2 True 0.32383276483316237\n", await InSession(s, "print(st.mean(data), json.dumps is str, random.random())"));
            Assert.Equal("False\n", await InSession(other, "import json\nprint(json.dumps is str)"));
            Assert.Equal("[1]\n", await Fresh("import json\nprint(json.dumps([1]))"));
            Assert.Equal("True\n", await InSession(s, "print(json.dumps is str)"));
        }
        finally
        {
            await _sandbox.Sessions.DestroyAsync(s);
            await _sandbox.Sessions.DestroyAsync(other);
        }
    }

    [Fact]
    public async Task New_sessions_draw_different_random_numbers()
    {
        var draws = new HashSet<string>();
        for (int i = 0; i < 3; i++)
        {
            string s = (await _sandbox.Sessions.CreateAsync()).Id;
            try
            {
                draws.Add(await InSession(s, "import random\nprint(random.random())"));
            }
            finally
            {
                await _sandbox.Sessions.DestroyAsync(s);
            }
        }
        Assert.Equal(3, draws.Count);
    }

    [Fact]
    public async Task Preloaded_modules_are_not_listed_as_the_users_variables()
    {
        string s = (await _sandbox.Sessions.CreateAsync()).Id;
        try
        {
            await InSession(s, "x = 1");
            Assert.Equal(["x"], (await _sandbox.Sessions.GetWorkspaceInfoAsync(s)).Variables["python"]);
            // Names the user's own imports bind are the user's.
            await InSession(s, "import json, csv as c\nfrom statistics import mean");
            Assert.Equal(["c", "json", "mean", "x"], (await _sandbox.Sessions.GetWorkspaceInfoAsync(s)).Variables["python"]);
        }
        finally
        {
            await _sandbox.Sessions.DestroyAsync(s);
        }
    }

    [Theory]
    [InlineData("x = 1\nif x:\n    y = 2\nelse:\n    y = 3\ny", "2")]
    [InlineData("try:\n    v = 1 / 0\nexcept ZeroDivisionError:\n    v = 'caught'\nv", "'caught'")]
    [InlineData("rows = [\n    1,\n    2,\n]\nlen(rows)", "2")]
    [InlineData("total = sum(\n    range(4)\n)\n", null)]
    [InlineData("a, *rest = [1, 2, 3]\n*rest, a", "(2, 3, 1)")]
    [InlineData("text = '''\nfirst\n'''\ntext.strip()", "'first'")]
    [InlineData("d = {}\nd['k'] = 5\nd['k']", "5")]
    [InlineData("n = 2; n * 21", "42")]
    public async Task The_last_expression_is_found_in_cells_of_every_shape(string code, string? expected)
    {
        var r = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code));
        Assert.True(r.Outcome == ExecutionOutcome.Success, $"{r.Outcome}: {r.Stderr}");
        Assert.Equal(expected, r.Result);
    }

    [Theory]
    [InlineData("x = 1\n\ny = [\n    2,\n]\nraise ValueError('v')\n", 6)]
    [InlineData("a = 1\nb = 0\na / b", 3)]
    [InlineData("def f():\n    return 1 / 0\n\nf()", 2)]
    public async Task Errors_keep_the_line_of_the_cell(string code, int line)
    {
        var r = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code));
        Assert.Equal(ExecutionOutcome.Error, r.Outcome);
        Assert.Equal(line, r.Guidance?.Line);
        Assert.Contains($"line {line}", r.Stderr);
    }
}
