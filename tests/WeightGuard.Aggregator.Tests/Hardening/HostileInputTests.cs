using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Tests.Dashboard;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// D5 and D9: bad input answered 500 (<c>{"expires":null}</c>, a CR/LF <c>returnUrl</c>), the sign-in redirect was built
/// from the Host header, HSTS and <c>nosniff</c> were missing. Now every route, walked with nulls, wrong types, NUL and
/// control characters by every kind of client, answers 4xx at worst, with both headers on every response.
/// </summary>
public sealed class HostileInputTests(string database) : OnBothDatabases(database)
{
    private static readonly string[] HostileSegments = ["x", "\0", "a\r\nb", "\u001b[31m", new string('a', 3000), "00000000-0000-0000-0000-000000000000"];

    /// <summary>Out-of-range, mistyped and foreign values for every query parameter a route reads.</summary>
    private const string HostileQuery =
        "?limit=abc&offset=-1&history=x&days=99999999999&search=%25_%27&after=-5&before=x&status=nope&since=yesterday&page=-1&profile=..&label=%3Cb%3E" +
        "&level=SL9&returnUrl=https://evil.example";

    /// <summary>The same with NUL, CR/LF and ESC, which no route takes.</summary>
    private const string ControlQuery = "?search=%00&status=%0d%0a&profile=%1b&label=%00&returnUrl=%0d%0aLocation:%20https://evil.example";

    private static readonly string[] Fields =
    [
        "name", "role", "expires", "uses", "token", "certificateRequest", "hostname", "machineId", "tpm", "credential", "report", "attestation",
        "controlId", "hosts", "justification",
    ];

    private static IEnumerable<HttpContent?> Bodies()
    {
        yield return null;
        foreach (var json in new[] { "null", "[]", "\"s\"", "{}", "{\"a\":", Object("null"), Object("12345"), Object("[null]"), Object("\"\\u0000\\r\\n\\u001b\"") })
            yield return new StringContent(json, Encoding.UTF8, "application/json");
        yield return new StringContent(string.Join('&', Fields.Select(f => f + "=%00%0d%0a")) + "&returnUrl=%0d%0a&_csrf=x", Encoding.UTF8,
            "application/x-www-form-urlencoded");
    }

    private static string Object(string value) => "{" + string.Join(',', Fields.Select(f => $"\"{f}\":{value}")) + "}";

    private static string Path(RoutePattern pattern, string value) => "/" + string.Join('/', pattern.PathSegments.Select(segment =>
        string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart => Uri.EscapeDataString(value),
            _ => "",
        }))));

    [Test]
    public async Task EveryRouteAnswersHostileInputWith4xxAtWorstAndTheSecurityHeaders()
    {
        var aggregator = await StartAsync(s => s with { AuthenticationFailuresPerMinute = 1_000_000, NoncesPerMinute = 1_000_000, MaxOutstandingNonces = 1_000_000 });
        using var agent = new TestAgent(aggregator);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        var (dashboard, _) = await DashboardFleet.SignInAsync(aggregator, await TokenAsync(aggregator, Roles.Admin, "walker"));
        using var anonymous = aggregator.Client();
        using var admin = aggregator.Client(bearer: aggregator.AdminToken);
        var clients = new[] { anonymous, admin, agent.Client, dashboard };
        var failures = new List<string>();
        var requests = 0;
        using (dashboard)
        {
            foreach (var endpoint in aggregator.Endpoints)
            {
                var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
                var values = endpoint.RoutePattern.Parameters.Count == 0 ? HostileSegments[..1] : HostileSegments;
                foreach (var method in methods)
                foreach (var value in values)
                foreach (var (query, body) in (method == "GET" ? [null] : Bodies()).Select(b => (HostileQuery, b)).Append((ControlQuery, null)))
                foreach (var client in clients)
                {
                    var path = Path(endpoint.RoutePattern, value) + query;
                    using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : await Copy(body) };
                    using var response = await client.SendAsync(request);
                    requests++;
                    var what = $"{method} {endpoint.RoutePattern.RawText}{(query == ControlQuery ? "?CONTROL" : "")} [{Printable(value)}] " +
                               (body is null ? "no body" : Printable(await body.ReadAsStringAsync()));
                    if ((int)response.StatusCode >= 500) failures.Add($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    // Kestrel refuses a NUL in the path itself (400, empty body) before any of the application runs.
                    if (value == "\0") continue;
                    if (!response.Headers.TryGetValues("X-Content-Type-Options", out var sniff) || sniff.Single() != "nosniff") failures.Add($"{what}: no nosniff");
                    if (!response.Headers.Contains("Strict-Transport-Security")) failures.Add($"{what}: no HSTS");
                }
            }
        }
        Assert.That(requests, Is.GreaterThan(1000), "the walk covered the routes");
        Assert.That(failures, Is.Empty, $"{failures.Count} of {requests} requests:\n" + string.Join('\n', failures.Take(30)));
    }

    [Test]
    public async Task ANullLifetimeForAnEnrolmentTokenIsABadRequest()
    {
        var aggregator = await StartAsync();
        using var admin = aggregator.Client(bearer: aggregator.AdminToken);
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/v1/enrollment-tokens", new StringContent("""{"expires":null}""", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task ASignInWhoseReturnUrlHoldsControlCharactersGoesToTheOverview()
    {
        var aggregator = await StartAsync();
        using var client = aggregator.Client(cookies: new CookieContainer());
        var form = await DashboardFleet.FormAsync(client, "/dashboard/sign-in", ("token", aggregator.AdminToken), ("returnUrl", "/dashboard\r\nSet-Cookie: a=b"));
        var response = await client.PostAsync("/dashboard/sign-in", form);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo("/dashboard"));
    }

    [Test]
    public async Task TheSignInRedirectIsRelativeWhateverTheHostHeader()
    {
        var aggregator = await StartAsync();
        using var client = aggregator.Client(cookies: new CookieContainer());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/hosts/x");
        request.Headers.Host = "evil.example";
        var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.IsAbsoluteUri, Is.False, response.Headers.Location.ToString());
        Assert.That(response.Headers.Location.ToString(), Does.StartWith("/dashboard/sign-in?returnUrl=").And.Not.Contain("evil"));
    }

    [Test]
    public async Task JsonAndProblemResponsesCarryHstsAndNosniff()
    {
        var aggregator = await StartAsync();
        using var admin = aggregator.Client(bearer: aggregator.AdminToken);
        using var anonymous = aggregator.Client();
        foreach (var response in new[] { await admin.GetAsync("/api/v1/hosts"), await anonymous.GetAsync("/api/v1/hosts"), await admin.GetAsync("/api/v1/hosts/none") })
        {
            Assert.That(response.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
            Assert.That(response.Headers.GetValues("Strict-Transport-Security").Single(), Does.Contain("max-age=31536000"));
        }
    }

    private static async Task<HttpContent> Copy(HttpContent body)
    {
        var copy = new ByteArrayContent(await body.ReadAsByteArrayAsync());
        copy.Headers.ContentType = body.Headers.ContentType;
        return copy;
    }

    private static string Printable(string text) =>
        new(text.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
