using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WeightGuard.Aggregator.Problems;

/// <summary>Reads a request body as JSON within a byte limit; every defect becomes a 4xx problem.</summary>
internal static class JsonBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>The body as a JSON document: 415 unless it says JSON, 413 past <paramref name="limit"/> bytes, 400 unless it parses.</summary>
    public static async Task<JsonDocument> ReadAsync(HttpRequest request, long limit, CancellationToken cancel)
    {
        if (!request.HasJsonContentType())
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "the body must be application/json");
        if (request.ContentLength > limit) throw TooLarge(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        try { return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Options); }
        catch (JsonException e) { throw ProblemException.BadRequest($"the body is not JSON: {e.Message}"); }
    }

    /// <summary>Binds a JSON value to <typeparamref name="T"/>; a shape the contract does not allow is a 400.</summary>
    public static T Bind<T>(JsonElement value, JsonTypeInfo<T> type) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(value, type) ?? throw ProblemException.BadRequest("the body is null");
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw ProblemException.BadRequest($"the body does not match the schema: {e.Message}");
        }
    }

    /// <summary>The JSON path (<c>$.a.b[2]</c>) of the first null inside an array, which no contract type allows; null when there is none.</summary>
    public static string? FirstNullArrayItem(JsonElement value) => NullArrayItemPath(value) is { } path ? "$" + path : null;

    /// <summary>Walks without allocating; the path is built only on the way back from a null.</summary>
    private static string? NullArrayItemPath(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                    if (member.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && NullArrayItemPath(member.Value) is { } below)
                        return "." + member.Name + below;
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Null) return $"[{i}]";
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && NullArrayItemPath(item) is { } below) return $"[{i}]{below}";
                    i++;
                }
                return null;
            default:
                return null;
        }
    }

    private static ProblemException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "Request too large", $"the body exceeds the {limit}-byte limit");
}
