using System.Text.Json;

namespace WeightGuard.Agent.Net;

/// <summary>Reads an RFC 9457 problem document (<c>application/problem+json</c>) into one line for a person.</summary>
public static class ProblemDocument
{
    /// <summary>Media type of a problem document.</summary>
    public const string MediaType = "application/problem+json";

    /// <summary>Longest text kept from a member, so a hostile server cannot flood the log.</summary>
    private const int MaxText = 500;

    /// <summary>"title: detail" from a problem document, or null when <paramref name="body"/> is not one.</summary>
    public static string? Describe(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            var title = Text(document.RootElement, "title");
            var detail = Text(document.RootElement, "detail");
            return (title, detail) switch
            {
                (null, null) => null,
                (not null, null) => title,
                (null, not null) => detail,
                _ => $"{title}: {detail}",
            };
        }
        catch (JsonException) { return null; }
    }

    private static string? Text(JsonElement problem, string member)
    {
        if (!problem.TryGetProperty(member, out var value) || value.ValueKind != JsonValueKind.String) return null;
        var text = string.Concat(value.GetString()!.Where(c => !char.IsControl(c)));
        return text.Length == 0 ? null : text.Length > MaxText ? text[..MaxText] + "…" : text;
    }
}
