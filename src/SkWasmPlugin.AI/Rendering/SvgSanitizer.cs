using System.Xml;
using System.Xml.Linq;

namespace SkWasmPlugin.AI.Rendering;

/// <summary>
/// Makes SVG written by untrusted code safe to parse and render in the host process: no DTD or entity is expanded, no
/// external reference survives (an <c>href</c> or <c>url(…)</c> that is not a fragment or an inline raster
/// <c>data:</c> URI is dropped, and so are scripts, event handlers, animations, <c>foreignObject</c> and style sheets that
/// import or point elsewhere), and the tree is bounded in depth and in number of elements before it is built.
/// </summary>
internal static class SvgSanitizer
{
    private static readonly HashSet<string> DroppedElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener",
        "set", "animate", "animateMotion", "animateTransform", "animateColor", "discard",
    };

    /// <summary>
    /// Sanitizes <paramref name="svg"/>; false, with the reason, when it is not SVG or goes over a bound. A <c>use</c> may
    /// only copy a part without <c>use</c> elements of its own, and all copies together at most
    /// <paramref name="maxElements"/> elements, so references cannot multiply the tree exponentially.
    /// </summary>
    public static bool TrySanitize(string svg, int maxDepth, int maxElements, out string? sanitized, out string? problem)
    {
        sanitized = null;
        try
        {
            // First a streaming pass, so a hostile tree (a million nested groups) is refused before anything is built.
            if (!WithinBounds(svg, maxDepth, maxElements, out problem)) return false;
            using var reader = XmlReader.Create(new StringReader(svg), ReaderSettings(svg));
            var document = XDocument.Load(reader);
            var root = document.Root!;
            foreach (var element in root.DescendantsAndSelf().Where(IsDropped).ToList()) element.Remove();
            foreach (var attribute in root.DescendantsAndSelf().SelectMany(e => e.Attributes()).Where(a => !IsSafe(a)).ToList()) attribute.Remove();
            if (!BoundUses(root, maxElements, out problem)) return false;
            sanitized = root.ToString(SaveOptions.DisableFormatting);
            return true;
        }
        catch (XmlException ex)
        {
            problem = "The SVG is not well-formed XML, or uses entities (which are not allowed): " + ex.Message;
            return false;
        }
    }

    private static XmlReaderSettings ReaderSettings(string svg) => new()
    {
        DtdProcessing = DtdProcessing.Ignore, // a DOCTYPE is skipped: its entities are never defined, let alone expanded
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = svg.Length + 1,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    private static bool WithinBounds(string svg, int maxDepth, int maxElements, out string? problem)
    {
        problem = null;
        using var reader = XmlReader.Create(new StringReader(svg), ReaderSettings(svg));
        int elements = 0;
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element) continue;
            if (elements == 0 && reader.LocalName != "svg")
            {
                problem = $"The document's root element is <{reader.LocalName}>, not <svg>.";
                return false;
            }
            if (++elements > maxElements)
            {
                problem = $"The SVG has more than {maxElements:N0} elements.";
                return false;
            }
            if (reader.Depth >= maxDepth)
            {
                problem = $"The SVG nests elements more than {maxDepth} deep.";
                return false;
            }
        }
        if (elements == 0) problem = "The text has no <svg> element.";
        return elements > 0;
    }

    private static bool BoundUses(XElement root, int maxElements, out string? problem)
    {
        problem = null;
        var byId = new Dictionary<string, XElement>(StringComparer.Ordinal);
        foreach (var element in root.DescendantsAndSelf())
        {
            if (element.Attribute("id")?.Value is { Length: > 0 } id) byId.TryAdd(id, element);
        }
        long copied = 0;
        foreach (var use in root.Descendants().Where(e => e.Name.LocalName == "use").ToList())
        {
            string? href = use.Attributes().FirstOrDefault(a => a.Name.LocalName == "href")?.Value.Trim();
            if (href is not { Length: > 1 } || !byId.TryGetValue(href[1..], out var target)
                || target.DescendantsAndSelf().Any(e => e.Name.LocalName == "use"))
            {
                use.Remove(); // dangling, recursive or a chain of copies
                continue;
            }
            copied += target.DescendantsAndSelf().Count();
            if (copied > maxElements)
            {
                problem = $"The SVG's <use> elements copy more than {maxElements:N0} elements.";
                return false;
            }
        }
        return true;
    }

    private static bool IsDropped(XElement element) =>
        DroppedElements.Contains(element.Name.LocalName)
        || (element.Name.LocalName == "style" && !OnlyFragmentUrls(element.Value));

    private static bool IsSafe(XAttribute attribute)
    {
        if (attribute.IsNamespaceDeclaration) return true;
        string name = attribute.Name.LocalName;
        if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase)) return false; // event handlers
        if (attribute.Name == XNamespace.Xml + "base") return false;
        if (name == "href" || name == "src") return IsLocalReference(attribute.Value);
        return OnlyFragmentUrls(attribute.Value);
    }

    /// <summary>A fragment of this document, or an inline raster image.</summary>
    private static bool IsLocalReference(string value)
    {
        string v = value.Trim();
        return v.StartsWith('#')
            || v.StartsWith("data:image/png;base64,", StringComparison.OrdinalIgnoreCase)
            || v.StartsWith("data:image/jpeg;base64,", StringComparison.OrdinalIgnoreCase)
            || v.StartsWith("data:image/gif;base64,", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when every <c>url(…)</c> in the text points into this document and nothing is imported.</summary>
    private static bool OnlyFragmentUrls(string value)
    {
        if (value.Contains("@import", StringComparison.OrdinalIgnoreCase)) return false;
        // CSS escapes could spell url( in a way this check does not see: text with both is refused.
        if (value.Contains('\\') && value.Contains('(')) return false;
        int at = 0;
        while ((at = value.IndexOf("url(", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            at += 4;
            if (!value.AsSpan(at).TrimStart(" \t'\"").StartsWith("#")) return false;
        }
        return true;
    }
}
