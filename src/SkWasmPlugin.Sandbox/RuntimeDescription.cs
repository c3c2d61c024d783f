namespace SkWasmPlugin.Sandbox;

/// <summary>One guest runtime.</summary>
public sealed record RuntimeDescription(string Language, string Engine, string Version, IReadOnlyList<string> Notes);
