using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.AI;

/// <summary>
/// Self-correcting code generation over any <see cref="IChatClient"/>: ask for code, run it in the sandbox,
/// and on failure send the error guidance and fuel analysis back with the repair prompt, raising the fuel
/// budget when the analysis says so, until the code works or the attempts run out.
/// </summary>
public sealed partial class CodeRepairLoop
{
    private static readonly ActivitySource Activities = new("SkWasmPlugin.AI", "0.1.0");
    private readonly IChatClient _chat;
    private readonly ICodeSandbox _sandbox;
    private readonly CodeRepairOptions _options;
    private readonly ResiliencePipeline _resilience;

    public CodeRepairLoop(IChatClient chat, ICodeSandbox sandbox, CodeRepairOptions? options = null)
    {
        _chat = chat ?? throw new ArgumentNullException(nameof(chat));
        _sandbox = sandbox ?? throw new ArgumentNullException(nameof(sandbox));
        _options = options ?? new CodeRepairOptions();
        if (_options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1.");
        _resilience = _options.ModelResilience ?? TransientRetry(_options.RetryBaseDelay);
    }

    /// <summary>The default model resilience: retry 429, 408, 5xx, network failures and timeouts; never a 4xx request error.</summary>
    public static ResiliencePipeline TransientRetry(TimeSpan baseDelay, int retries = 3) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = retries,
                Delay = baseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = baseDelay > TimeSpan.Zero,
            })
            .Build();

    /// <summary>True for faults worth retrying: throttling, server errors, timeouts, broken connections.</summary>
    public static bool IsTransient(Exception ex)
    {
        int? status = ex switch
        {
            HttpRequestException http => http.StatusCode is { } code ? (int)code : null,
            _ => StatusProperty(ex),
        };
        if (status is { } s) return s is 408 or 429 || s >= 500;
        return ex is HttpRequestException or TimeoutException || ex.InnerException is TimeoutException;
    }

    // Provider SDKs carry the HTTP status on their own exception types (Azure's RequestFailedException.Status,
    // System.ClientModel's ClientResultException.Status, OllamaSharp's StatusCode); this library references none
    // of them, so it reads the property by name. Where trimming removed it, the status is unknown and the
    // exception is judged by its type alone.
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Best effort: a trimmed-away Status property only means the status is unknown.")]
    private static int? StatusProperty(Exception ex)
    {
        var type = ex.GetType();
        return (type.GetProperty("Status") ?? type.GetProperty("StatusCode"))?.GetValue(ex) switch
        {
            int i => i,
            HttpStatusCode c => (int)c,
            _ => null,
        };
    }

    /// <summary>Runs the loop for one task.</summary>
    public async Task<CodeRepairResult> RunAsync(CodeRepairTask task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (string.IsNullOrWhiteSpace(task.Description)) throw new ArgumentException("The task needs a description.", nameof(task));
        string language = task.Language.DisplayName();
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, PromptLibrary.Render(PromptLibrary.CodeGeneration, new Dictionary<string, string?> { ["language"] = language })),
            new(ChatRole.User, task.Description + (task.Stdin is null ? "" : "\n\nThe program reads its input from standard input.")),
        };
        var attempts = new List<RepairAttempt>();
        var history = new List<string>();
        long fuel = _options.InitialFuel ?? _sandbox.Describe().DefaultLimits.Fuel;
        bool exhaustedBefore = false;

        for (int number = 1; number <= _options.MaxAttempts; number++)
        {
            using var activity = Activities.StartActivity("skwasm.repair.attempt");
            activity?.SetTag("skwasm.attempt", number);
            var response = await _resilience.ExecuteAsync(
                async ct => await _chat.GetResponseAsync(messages, _options.ChatOptions, ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            string code = ExtractCode(response.Text);
            messages.Add(new ChatMessage(ChatRole.Assistant, response.Text));

            if (_options.ApprovalHandler is { } approve && !await approve(new CodeApprovalRequest(task.Language.Name(), code, task.SessionId)).ConfigureAwait(false))
            {
                attempts.Add(new RepairAttempt { Number = number, Code = code, FuelBudget = fuel, Usage = response.Usage });
                history.Add($"Attempt {number}: the approval hook refused the code; stopping.");
                activity?.SetTag("skwasm.outcome", "refused");
                return new CodeRepairResult(RepairVerdict.Refused, attempts, history);
            }

            string program = task.TestCode is null ? code : code.TrimEnd() + "\n\n" + task.TestCode;
            Task<ExecutionResult> Run(long budget) => _sandbox.ExecuteAsync(new ExecutionRequest(task.Language, program)
            {
                Stdin = task.Stdin,
                SessionId = task.SessionId,
                Limits = new ExecutionLimits { Fuel = budget },
            }, cancellationToken);
            var result = await Run(fuel).ConfigureAwait(false);
            int reruns = 0;
            // Only more fuel needed? Run the same code again with the suggested budget before spending a model call.
            while (result.Outcome == ExecutionOutcome.FuelExhausted && _options.AllowFuelIncrease && reruns < _options.MaxFuelReruns
                   && result.FuelAnalysis?.SuggestedBudget is { } more && Math.Min(more, _options.FuelCeiling) > fuel)
            {
                long raised = Math.Min(more, _options.FuelCeiling);
                history.Add($"Attempt {number}: ran out of {fuel:N0} fuel; ran the same code again with {raised:N0} (no model call).");
                fuel = raised;
                reruns++;
                exhaustedBefore = true;
                result = await Run(fuel).ConfigureAwait(false);
            }
            string? checkFailure = result.IsSuccess ? Check(task, result) : null;
            bool passed = result.IsSuccess && checkFailure is null;
            attempts.Add(new RepairAttempt
            {
                Number = number, Code = code, Result = result, CheckFailure = checkFailure,
                FuelBudget = fuel, Usage = response.Usage, Passed = passed, FuelReruns = reruns,
            });
            activity?.SetTag("skwasm.outcome", result.Outcome.ToString());
            activity?.SetTag("skwasm.fuel", result.FuelConsumed);
            activity?.SetTag("skwasm.error_type", result.Guidance?.ErrorType);

            if (passed)
            {
                history.Add($"Attempt {number}: succeeded ({result.FuelConsumed:N0} fuel).");
                return new CodeRepairResult(RepairVerdict.Succeeded, attempts, history);
            }
            string failure = checkFailure ?? $"{result.Outcome}{(result.Guidance is { } g ? $" {g.ErrorType}{(g.Line is { } l ? $" at line {l}" : "")}" : "")}";
            history.Add($"Attempt {number}: {failure}.");

            if (attempts.Count >= 2 && SameFailure(attempts[^2], attempts[^1]))
            {
                history.Add("The same code failed the same way twice; stopping.");
                return new CodeRepairResult(RepairVerdict.SameErrorRepeated, attempts, history);
            }

            bool exhausted = result.Outcome == ExecutionOutcome.FuelExhausted;
            if (exhausted && _options.AllowFuelIncrease && result.FuelAnalysis?.SuggestedBudget is { } suggested)
            {
                long raised = Math.Min(suggested, _options.FuelCeiling);
                if (raised > fuel)
                {
                    history.Add($"Raised the fuel budget from {fuel:N0} to {raised:N0} as the fuel analysis suggested.");
                    fuel = raised;
                }
                else
                {
                    history.Add($"The fuel budget is at the ceiling ({_options.FuelCeiling:N0}); not raising it.");
                }
            }
            var analysis = exhausted && result.FuelAnalysis is { } fa
                ? Sandbox.Guidance.FuelAnalyzer.Analyze(fa.Consumed, fa.Budget, _options.FuelCeiling, true, result.Guidance?.Line, exhaustedBefore)
                : result.FuelAnalysis;
            exhaustedBefore |= exhausted;
            messages.Add(new ChatMessage(ChatRole.User, RepairPrompt(task, number, result, analysis, checkFailure, fuel)));
        }
        history.Add($"No attempt succeeded in {_options.MaxAttempts}.");
        return new CodeRepairResult(RepairVerdict.MaxAttemptsReached, attempts, history);
    }

    private static string? Check(CodeRepairTask task, ExecutionResult result)
    {
        if (task.ExpectedOutput is { } expected && Normalize(result.Stdout) != Normalize(expected))
            return $"The output is wrong. Expected:\n{expected.Trim()}\nGot:\n{result.Stdout.Trim()}";
        return task.Checker?.Invoke(result);
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n").Trim();

    private static bool SameFailure(RepairAttempt a, RepairAttempt b) =>
        Normalize(a.Code) == Normalize(b.Code) &&
        a.Result?.Outcome == b.Result?.Outcome &&
        a.Guidance?.ErrorType == b.Guidance?.ErrorType &&
        a.CheckFailure == b.CheckFailure;

    private string RepairPrompt(CodeRepairTask task, int attempt, ExecutionResult result, FuelAnalysis? fuel, string? checkFailure, long nextFuel)
    {
        string guidance = result.Guidance is { } g
            ? $"Error: {g.ErrorType}{(g.Line is { } l ? $" at line {l}" : "")}: {g.Message}\n" +
              (g.CodeFrame is { } frame ? $"```\n{frame}\n```\n" : "") +
              $"Fix: {g.Fix}"
            : "";
        string fuelText = fuel is null ? "" :
            $"Fuel: {fuel.Consumed:N0} of {fuel.Budget:N0} ({fuel.UtilizationPercent}%, {fuel.Status.ToString().ToLowerInvariant()}). {fuel.Advice}" +
            (nextFuel > fuel.Budget ? $" The next run gets {nextFuel:N0}." : "");
        return PromptLibrary.Render(PromptLibrary.Repair, new Dictionary<string, string?>
        {
            ["language"] = task.Language.DisplayName(),
            ["attempt"] = attempt.ToString(),
            ["outcome"] = result.Outcome.ToString(),
            ["guidance"] = guidance,
            ["fuel"] = fuelText,
            ["check"] = checkFailure is null ? "" : "Check: " + checkFailure,
            ["stdout"] = ModelResultFormatter.HeadTail(result.Stdout, _options.MaxOutputCharsForModel),
            ["stderr"] = ModelResultFormatter.HeadTail(result.Stderr, _options.MaxOutputCharsForModel),
            ["task"] = task.Description,
        });
    }

    [GeneratedRegex(@"```[ \t]*[A-Za-z0-9_+-]*[ \t]*\r?\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    /// <summary>The first fenced block of a reply, else the whole reply without wrapping.</summary>
    public static string ExtractCode(string reply)
    {
        var match = FencedBlock().Match(reply ?? "");
        return match.Success ? match.Groups["body"].Value.TrimEnd() : CodeSanitizer.Sanitize(reply ?? "");
    }
}
