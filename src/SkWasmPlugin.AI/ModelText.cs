namespace SkWasmPlugin.AI;

/// <summary>Text of .NET exceptions made fit for a model or a person to read.</summary>
public static class ModelText
{
    /// <summary>The exception's message without .NET's " (Parameter 'x')" suffix.</summary>
    public static string Message(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string message = exception.Message;
        if (exception is ArgumentException { ParamName: { } name })
        {
            string suffix = $" (Parameter '{name}')";
            int at = message.LastIndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0) message = message.Remove(at, suffix.Length);
        }
        return message.Trim();
    }
}
