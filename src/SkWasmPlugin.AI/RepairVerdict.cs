namespace SkWasmPlugin.AI;

/// <summary>How the loop ended.</summary>
public enum RepairVerdict
{
    /// <summary>An attempt ran successfully and passed the checks.</summary>
    Succeeded,

    /// <summary>Every attempt failed.</summary>
    MaxAttemptsReached,

    /// <summary>The model sent the same code and it failed the same way twice.</summary>
    SameErrorRepeated,

    /// <summary>The approval hook refused the code.</summary>
    Refused,
}
