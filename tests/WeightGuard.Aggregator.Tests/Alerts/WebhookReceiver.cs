using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WeightGuard.Aggregator.Alerts;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>One POST a webhook receiver took: its raw body, the headers that matter and the status it was answered with.</summary>
internal sealed record ReceivedWebhook(byte[] Body, string? Timestamp, string? Signature, string? EventId, string? EventType, string? ContentType, int AnsweredWith)
{
    public AlertEvent Event => AlertEvent.FromJson(System.Text.Encoding.UTF8.GetString(Body));
}

/// <summary>
/// A real HTTP receiver on a loopback port (Kestrel, plain HTTP, which the aggregator allows to loopback only): it
/// answers each POST with the next status of its script (200 once the script is spent) and hands every request to
/// the test in arrival order.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly Queue<int> _script;

    private WebhookReceiver(WebApplication app, Queue<int> script) => (_app, _script) = (app, script);

    public Uri Url { get; private set; } = null!;

    /// <summary>Starts a receiver answering POST /hook with <paramref name="script"/>'s statuses, then 200.</summary>
    public static async Task<WebhookReceiver> StartAsync(params int[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Queue<int>(script));
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            int status;
            lock (receiver._script) status = receiver._script.TryDequeue(out var next) ? next : StatusCodes.Status200OK;
            var headers = http.Request.Headers;
            await receiver._received.Writer.WriteAsync(new ReceivedWebhook(body.ToArray(), headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader],
                headers[WebhookSignature.EventIdHeader], headers[WebhookSignature.EventTypeHeader], http.Request.ContentType, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = new Uri(new Uri(Hosting.AggregatorApp.Addresses(app).Single()), "/hook");
        return receiver;
    }

    /// <summary>The next request, waiting at most 30 s for it (a bound on a hang, not a delay: it returns as the request arrives).</summary>
    public async Task<ReceivedWebhook> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Requests received and not yet taken.</summary>
    public int Waiting => _received.Reader.Count;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
