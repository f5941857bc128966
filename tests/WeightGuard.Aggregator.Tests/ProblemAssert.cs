using System.Net;
using System.Text.Json;

namespace WeightGuard.Aggregator.Tests;

/// <summary>Asserts that a response is an RFC 9457 problem document with the expected status and detail.</summary>
internal static class ProblemAssert
{
    public static async Task<string> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? detailContains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        using var doc = JsonDocument.Parse(body);
        Assert.That(doc.RootElement.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        var detail = doc.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        if (detailContains is not null) Assert.That(detail, Does.Contain(detailContains));
        return detail;
    }
}
