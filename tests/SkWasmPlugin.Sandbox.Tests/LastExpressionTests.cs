using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The value of a cell's last expression comes back as <see cref="ExecutionResult.Result"/>, as a REPL shows it.</summary>
[Collection(SandboxCollection.Name)]
public sealed class LastExpressionTests(SandboxFixture fixture)
{
    private readonly WasmCodeSandbox _sandbox = fixture.Sandbox;

    private Task<ExecutionResult> Python(string code, string? session = null) =>
        _sandbox.ExecuteAsync(new ExecutionRequest(Language.Python, code) { SessionId = session });

    private Task<ExecutionResult> JavaScript(string code, string? session = null) =>
        _sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, code) { SessionId = session });

    [Fact]
    public async Task Python_sorted_after_assignments_is_the_result()
    {
        var r = await Python("values = [3, 1, 2]\nvalues.append(0)\nsorted(values)");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal("[0, 1, 2, 3]", r.Result);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public async Task Python_nested_expression_is_evaluated_once_in_the_cell_globals()
    {
        var r = await Python("calls = []\ndef f(x):\n    calls.append(x)\n    return x * 2\n{k: f(k) for k in (1, 2)}, len(calls)");
        Assert.Equal("({1: 2, 2: 4}, 2)", r.Result);
    }

    [Fact]
    public async Task Python_trailing_comment_after_the_expression_is_ignored()
    {
        var r = await Python("x = 20\nx + 1  # the answer, nearly\n# and a last comment line\n");
        Assert.Equal("21", r.Result);
    }

    [Fact]
    public async Task Python_semicolon_separated_statements_give_the_last_value()
    {
        var r = await Python("a = 1; a + 1");
        Assert.Equal("2", r.Result);
    }

    [Fact]
    public async Task Python_none_print_and_assignment_give_no_result()
    {
        var none = await Python("None");
        var print = await Python("print(1)");
        var assignment = await Python("y = [1, 2]");
        Assert.Equal(ExecutionOutcome.Success, none.Outcome);
        Assert.Null(none.Result);
        Assert.Equal("1\n", print.Stdout);
        Assert.Null(print.Result);
        Assert.Equal(ExecutionOutcome.Success, assignment.Outcome);
        Assert.Null(assignment.Result);
    }

    [Fact]
    public async Task Python_string_result_is_its_repr()
    {
        var r = await Python("\"it's\".upper()");
        Assert.Equal("\"IT'S\"", r.Result);
    }

    [Fact]
    public async Task Python_exception_in_repr_is_a_note_and_the_run_succeeds()
    {
        var r = await Python("class Bad:\n    def __repr__(self):\n        raise ValueError('no repr for you')\nprint('ran')\nBad()");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal("ran\n", r.Stdout);
        Assert.Null(r.Result);
        Assert.Null(r.Guidance);
        Assert.Contains("repr() of the result raised ValueError: no repr for you", r.Notes);
    }

    [Fact]
    public async Task Python_ten_megabyte_value_is_capped_with_a_marker()
    {
        var r = await Python("'x' * 10_000_000");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal("'" + new string('x', 9_999) + "… [9990000 more characters]", r.Result);
        var list = await Python("list(range(2_000_000))");
        Assert.Equal(ExecutionOutcome.Success, list.Outcome);
        string full = "[" + string.Join(", ", Enumerable.Range(0, 2_000_000)) + "]";
        Assert.Equal(full[..10_000] + $"… [{full.Length - 10_000} more characters]", list.Result);
    }

    [Fact]
    public async Task Python_session_cell_value_is_shown_and_state_is_kept()
    {
        string s = (await _sandbox.Sessions.CreateAsync()).Id;
        var first = await Python("total = sum(range(5))\ntotal * 10", s);
        Assert.Equal("100", first.Result);
        var second = await Python("total += 1\ntotal", s);
        Assert.Equal("11", second.Result);
    }

    [Fact]
    public async Task Python_failing_cell_has_no_result_and_its_guidance_is_unchanged()
    {
        var r = await Python("count = 1\nx = 2\ncout + x");
        Assert.Equal(ExecutionOutcome.Error, r.Outcome);
        Assert.Null(r.Result);
        Assert.Equal(3, r.Guidance!.Line);
        Assert.Equal("cout + x", r.Guidance.SourceLine);
        Assert.Equal("NameError", r.Guidance.ErrorType);
        Assert.Contains("count", r.Guidance.Fix);
        Assert.Contains("line 3, in <module>", r.Stderr);
        Assert.DoesNotContain("_skwasm", r.Stderr);
    }

    [Fact]
    public async Task JavaScript_object_is_shown_as_console_log_shows_it()
    {
        var r = await JavaScript("const point = { x: 1, y: [2, 3], label: 'p' };\npoint");
        Assert.Equal(ExecutionOutcome.Success, r.Outcome);
        Assert.Equal("{ x: 1, y: [ 2, 3 ], label: 'p' }", r.Result);
    }

    [Fact]
    public async Task JavaScript_array_is_the_result()
    {
        var r = await JavaScript("[3, 1, 2].sort()");
        Assert.Equal("[ 1, 2, 3 ]", r.Result);
    }

    [Fact]
    public async Task JavaScript_undefined_and_console_log_give_no_result()
    {
        var undefinedValue = await JavaScript("let z = 5;\nundefined");
        var log = await JavaScript("console.log('hi')");
        Assert.Equal(ExecutionOutcome.Success, undefinedValue.Outcome);
        Assert.Null(undefinedValue.Result);
        Assert.Equal("hi\n", log.Stdout);
        Assert.Null(log.Result);
    }

    [Fact]
    public async Task JavaScript_promise_shows_its_settled_value_or_pending()
    {
        var settled = await JavaScript("(async () => { await null; return { done: true }; })()");
        Assert.Equal("{ done: true }", settled.Result);
        var pending = await JavaScript("new Promise(() => {})");
        Assert.Equal(ExecutionOutcome.Success, pending.Outcome);
        Assert.Equal("Promise { <pending> }", pending.Result);
    }

    [Fact]
    public async Task JavaScript_string_is_quoted_and_a_long_one_is_capped()
    {
        var r = await JavaScript("'abc'.toUpperCase()");
        Assert.Equal("'ABC'", r.Result);
        var long_ = await JavaScript("'y'.repeat(5_000_000)");
        Assert.Equal(ExecutionOutcome.Success, long_.Outcome);
        Assert.Equal("'" + new string('y', 9_999) + "… [4990000 more characters]", long_.Result);
    }

    [Fact]
    public async Task JavaScript_module_mode_and_a_failing_script_give_no_result()
    {
        var module = await _sandbox.ExecuteAsync(new ExecutionRequest(Language.JavaScript, "const v = 1;\nv + 1;") { JavaScriptModule = true });
        Assert.Equal(ExecutionOutcome.Success, module.Outcome);
        Assert.Null(module.Result);
        var failing = await JavaScript("const q = 1;\nq + missing");
        Assert.Equal(ExecutionOutcome.Error, failing.Outcome);
        Assert.Null(failing.Result);
        Assert.Equal(2, failing.Guidance!.Line);
    }

    [Fact]
    public async Task JavaScript_session_value_and_state_persist()
    {
        string s = (await _sandbox.Sessions.CreateAsync()).Id;
        Assert.Equal("6", (await JavaScript("var n = 3; n * 2", s)).Result);
        Assert.Equal("4", (await JavaScript("n + 1", s)).Result);
    }
}
