using System.Text.Json.Serialization;

namespace SkWasmPlugin.Sandbox;

/// <summary>
/// A file under <c>/app</c> that a call created or changed (<see cref="ExecutionResult.Files"/>), found by comparing the
/// workspace before and after the call. Folders are not listed; deleted files are not listed.
/// </summary>
/// <param name="Path">The path relative to <c>/app</c>, with '/' separators (e.g. <c>out/chart.svg</c>).</param>
/// <param name="Size">Its size in bytes after the call.</param>
/// <param name="MediaType">
/// Its media type, from its first bytes (PNG, JPEG, GIF, PDF, ZIP with Office/OpenDocument subtypes by extension, SVG
/// text), else from its extension, else <c>text/plain</c> for UTF-8 text and <c>application/octet-stream</c>.
/// </param>
/// <param name="Change">Whether the call created it or modified it.</param>
public sealed record WorkspaceFileChange(string Path, long Size, string MediaType, WorkspaceFileChangeKind Change)
{
    /// <summary>Where <c>sandbox_utils.show()</c> (Python) and <c>show()</c> (JavaScript) put what they show, relative to <c>/app</c>.</summary>
    public const string ShowFolder = ".skwasm/show/";

    /// <summary>True for a file the program showed with <c>show()</c> (it is under <see cref="ShowFolder"/>): output meant for the user.</summary>
    public bool Shown => Path.StartsWith(ShowFolder, StringComparison.Ordinal);

    /// <summary>
    /// The file's bytes, for images a host may render: PNG, JPEG, GIF and SVG files of at most 4 MB, the first 8 such
    /// files of the list (shown ones first); null for every other file. Read right after the call, before a stateless
    /// call's temporary <c>/app</c> is deleted, so this is the only way to get what a stateless call drew. Not part of
    /// the JSON form (use <see cref="Path"/> and the session's file API, or these bytes, to fetch it).
    /// </summary>
    [JsonIgnore]
    public byte[]? Content { get; init; }
}
