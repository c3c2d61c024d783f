using System.Text;
using SkWasmPlugin.AI.Rendering;
using SkWasmPlugin.Sandbox;

namespace SkWasmPlugin.Cli;

/// <summary><c>skwasm run --out DIR</c>: the files a run made, written into a folder of the user's.</summary>
internal static class Artifacts
{
    /// <summary>
    /// Writes each file of <paramref name="result"/> under <paramref name="folder"/> (a shown image as <c>shown-NNN.ext</c>),
    /// and a PNG rendering beside each SVG; returns what was written and, for files a stateless run did not keep, why not.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(ICodeSandbox sandbox, ExecutionResult result, string folder, CancellationToken cancellationToken)
    {
        string root = Path.GetFullPath(folder);
        Directory.CreateDirectory(root);
        List<string> lines = [];
        foreach (var file in result.Files)
        {
            byte[]? bytes = file.Content;
            if (bytes is null && result.SessionId is { } session)
                bytes = await sandbox.Sessions.ReadFileAsync(session, file.Path, cancellationToken);
            if (bytes is null)
            {
                lines.Add($"{file.Path}: not kept by a stateless run (only images are); run with --session to keep every file");
                continue;
            }
            string relative = file.Shown ? "shown-" + Path.GetFileName(file.Path) : file.Path;
            string target = Path.GetFullPath(Path.Combine(root, relative));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue; // never outside the folder
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllBytesAsync(target, bytes, cancellationToken);
            lines.Add(target);
            if (file.MediaType == "image/svg+xml")
            {
                if (ImageRenderer.TryRenderSvg(Encoding.UTF8.GetString(bytes), null, out var png, out string? problem))
                {
                    await File.WriteAllBytesAsync(Path.ChangeExtension(target, ".png"), png!, cancellationToken);
                    lines.Add(Path.ChangeExtension(target, ".png"));
                }
                else
                {
                    lines.Add($"{file.Path}: not rendered as PNG ({problem})");
                }
            }
        }
        return lines;
    }
}
