using System.Globalization;
using System.Net.Http.Headers;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// POSTs each alert's JSON to a webhook, signed (<see cref="WebhookSignature"/>) afresh at every attempt. A network
/// error, a timeout, 408, 429 or a 5xx answer is retried with exponential backoff and jitter on the aggregator's clock;
/// any other non-2xx answer (a redirect included: it is never followed) is final. Logs name the sink, never its URL
/// (webhook URLs often embed a token) or its secret.
/// </summary>
public sealed class WebhookSink : IAlertSink
{
    private readonly WebhookSettings _settings;
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _time;

    /// <summary>A sink for <paramref name="settings"/> timing retries on <paramref name="time"/>.</summary>
    public WebhookSink(WebhookSettings settings, TimeProvider time, ILogger<WebhookSink> log)
    {
        (_settings, _time) = (settings, time);
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = settings.Timeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.Attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.InitialDelay,
                MaxDelay = settings.MaxDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>().Handle<HttpRequestException>().Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient((int)r.StatusCode)),
                OnRetry = args =>
                {
                    log.LogInformation("Webhook {Sink}: attempt {Attempt} failed ({Outcome}); retrying in {Delay}", settings.Name, args.AttemptNumber + 1,
                        Describe(args.Outcome), args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(settings.Timeout)
            .Build();
    }

    /// <inheritdoc/>
    public SinkSettings Settings => _settings;

    /// <inheritdoc/>
    public async Task<SinkOutcome> SendAsync(AlertEvent alert, byte[] json, CancellationToken cancel)
    {
        var attempts = 0;
        var outcome = await _pipeline.ExecuteOutcomeAsync(async (context, _) =>
        {
            attempts++;
            try { return Outcome.FromResult(await _client.SendAsync(Request(alert, json), context.CancellationToken)); }
            catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException || e is OperationCanceledException && !cancel.IsCancellationRequested)
            {
                return Outcome.FromException<HttpResponseMessage>(e);
            }
        }, ResilienceContextPool.Shared.Get(cancel), 0);
        cancel.ThrowIfCancellationRequested();
        using var response = outcome.Result;
        var detail = Describe(outcome);
        return new SinkOutcome(response?.IsSuccessStatusCode == true, attempts, attempts > 1 ? $"{detail} after {attempts} attempts" : detail);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A new request per attempt: a request message is sent once, and the timestamp is signed afresh.</summary>
    private HttpRequestMessage Request(AlertEvent alert, byte[] json)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(HttpMethod.Post, _settings.Url) { Content = content };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("weightguard-aggregator", alert.Aggregator.Version));
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(_settings.Secret, timestamp, json));
        request.Headers.Add(WebhookSignature.EventIdHeader, alert.Id.ToString());
        request.Headers.Add(WebhookSignature.EventTypeHeader, alert.Type);
        return request;
    }

    private static bool IsTransient(int status) => status is 408 or 429 or >= 500;

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Result is { } response
        ? $"HTTP {(int)response.StatusCode}" + (response.IsSuccessStatusCode ? "" : $" {response.ReasonPhrase}")
        : outcome.Exception is TimeoutRejectedException or OperationCanceledException ? "timed out" : outcome.Exception?.Message ?? "no answer";
}
