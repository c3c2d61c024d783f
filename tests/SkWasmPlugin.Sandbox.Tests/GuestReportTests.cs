using SkWasmPlugin.Sandbox.Guidance;

namespace SkWasmPlugin.Sandbox.Tests;

/// <summary>The guest's report: the common "ended well, no value" report is recognised without parsing, and reads as the parser reads it.</summary>
public sealed class GuestReportTests
{
    [Theory]
    [InlineData("{\"exitCode\":0,\"error\":null}")] // QuickJS runner
    [InlineData("{\"exitCode\": 0, \"error\": null}")] // Python runner
    public void The_success_report_of_each_runtime_reads_as_parsed_json_does(string report)
    {
        var fast = GuestReport.Parse(report)!;
        var parsed = GuestReport.Parse(" " + report)!; // not the literal: goes through the JSON parser
        Assert.Equal(parsed, fast);
        Assert.Equal(0, fast.ExitCode);
        Assert.Null(fast.Error);
        Assert.Null(fast.Result);
        Assert.Null(fast.ResultError);
    }

    [Fact]
    public void Other_reports_are_parsed()
    {
        Assert.Equal("4", GuestReport.Parse("{\"exitCode\":0,\"error\":null,\"result\":\"4\"}")!.Result);
        Assert.Equal(3, GuestReport.Parse("{\"exitCode\": 3, \"error\": null}")!.ExitCode);
        var failed = GuestReport.Parse("{\"exitCode\":1,\"error\":{\"type\":\"NameError\",\"message\":\"name 'x' is not defined\",\"line\":2}}")!;
        Assert.Equal("NameError", failed.Error!.Type);
        Assert.Equal(2, failed.Error.Line);
        Assert.Null(GuestReport.Parse("not json"));
    }
}
