using System.Threading.Channels;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// Hands alerts to their sinks without holding up ingest: one bounded queue and one sender per sink. A full queue drops
/// its oldest alert (the newest state matters most), records that delivery as <c>dropped</c> and counts it. Every
/// outcome is stored per alert and sink for the dashboard. At shutdown the queues are drained while the host allows.
/// </summary>
public sealed class AlertDispatcher : IHostedService, IAsyncDisposable
{
    private readonly IReadOnlyList<Queue> _queues;
    private readonly IAggregatorStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertDispatcher> _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _idle = Completed();
    private int _pending;
    private int _disposed;
    private Task[] _senders = [];

    /// <summary>A dispatcher to <paramref name="sinks"/>; it owns and disposes them.</summary>
    public AlertDispatcher(IEnumerable<IAlertSink> sinks, IAggregatorStore store, TimeProvider time, ILogger<AlertDispatcher> log)
    {
        (_store, _time, _log) = (store, time, log);
        _queues = sinks.Select(sink => new Queue(sink, this)).ToList();
    }

    /// <summary>The sinks, in configuration order.</summary>
    public IReadOnlyList<IAlertSink> Sinks => _queues.Select(q => q.Sink).ToList();

    /// <summary>Alerts each sink dropped since start because its queue was full, by sink name.</summary>
    public IReadOnlyDictionary<string, long> Dropped => _queues.ToDictionary(q => q.Sink.Settings.Name, q => Interlocked.Read(ref q.Dropped));

    /// <summary>The names of the sinks an alert of <paramref name="severity"/> goes to.</summary>
    public IEnumerable<string> SinksFor(AlertSeverity severity) =>
        _queues.Where(q => severity >= q.Sink.Settings.MinimumSeverity).Select(q => q.Sink.Settings.Name);

    /// <summary>Queues <paramref name="alert"/> for every sink whose minimum severity it meets.</summary>
    public void Enqueue(AlertEvent alert)
    {
        var json = alert.ToJson();
        foreach (var queue in _queues.Where(q => alert.Severity >= q.Sink.Settings.MinimumSeverity))
        {
            Begin();
            // DropOldest always accepts; the item pushed out is handed to Drop.
            if (!queue.Channel.Writer.TryWrite((alert, json))) Record(Delivery(alert, queue, "dropped", 0, "the aggregator is shutting down"));
        }
    }

    /// <summary>Completes when every queued alert has been sent, given up or dropped, and its outcome stored: the signal tests await.</summary>
    public Task WhenIdleAsync(CancellationToken cancel = default)
    {
        lock (_gate) return _idle.Task.WaitAsync(cancel);
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _senders = _queues.Select(q => Task.Run(() => SendAllAsync(q))).ToArray();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues) queue.Channel.Writer.TryComplete();
        // Drain while the host's shutdown allows, then cancel what is still being sent.
        try { await Task.WhenAll(_senders).WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { await _stopping.CancelAsync(); }
        await Task.WhenAll(_senders).ContinueWith(_ => { }, TaskScheduler.Default);
        // Every outcome stored (the last ones were written as the senders finished).
        try { await WhenIdleAsync(cancellationToken); }
        catch (OperationCanceledException) { _log.LogWarning("The aggregator stopped before every alert delivery was stored"); }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as a hosted service, it is disposed twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        foreach (var queue in _queues) await queue.Sink.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task SendAllAsync(Queue queue)
    {
        await foreach (var (alert, json) in queue.Channel.Reader.ReadAllAsync(CancellationToken.None))
        {
            SinkOutcome outcome;
            try { outcome = await queue.Sink.SendAsync(alert, json, _stopping.Token); }
            catch (OperationCanceledException) { outcome = new SinkOutcome(false, 0, "the aggregator stopped before it was sent"); }
            if (!outcome.Delivered)
                _log.LogWarning("Alert {EventId} ({Type}, host {Host}) was not delivered to {Sink}: {Detail}", alert.Id, alert.Type, alert.Host.Name,
                    queue.Sink.Settings.Name, outcome.Detail);
            Record(Delivery(alert, queue, outcome.Delivered ? "delivered" : "failed", outcome.Attempts, outcome.Detail));
        }
    }

    private void Drop(Queue queue, (AlertEvent Alert, byte[] Json) item)
    {
        var dropped = Interlocked.Increment(ref queue.Dropped);
        _log.LogWarning("The alert queue of {Sink} is full ({Capacity}); alert {EventId} dropped ({Dropped} since start)", queue.Sink.Settings.Name,
            queue.Sink.Settings.QueueCapacity, item.Alert.Id, dropped);
        Record(Delivery(item.Alert, queue, "dropped", 0, $"the queue was full ({queue.Sink.Settings.QueueCapacity} alerts waiting)"));
    }

    private AlertDelivery Delivery(AlertEvent alert, Queue queue, string status, int attempts, string detail) =>
        new(alert.Id, queue.Sink.Settings.Name, status, attempts, detail, _time.GetUtcNow());

    /// <summary>Stores an outcome; the alert counts as pending until it is stored.</summary>
    private void Record(AlertDelivery delivery) => _ = RecordAsync(delivery);

    private async Task RecordAsync(AlertDelivery delivery)
    {
        try { await _store.SetAlertDeliveryAsync(delivery, CancellationToken.None); }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException)
        {
            _log.LogError("The delivery of alert {EventId} to {Sink} ({Status}) could not be stored: {Problem}", delivery.AlertId, delivery.Sink, delivery.Status, e.Message);
        }
        finally { End(); }
    }

    private void Begin()
    {
        lock (_gate)
            if (_pending++ == 0) _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void End()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
            if (--_pending == 0) idle = _idle;
        idle?.TrySetResult();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private sealed class Queue
    {
        public Queue(IAlertSink sink, AlertDispatcher owner)
        {
            Sink = sink;
            Channel = System.Threading.Channels.Channel.CreateBounded<(AlertEvent, byte[])>(
                new BoundedChannelOptions(sink.Settings.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                item => owner.Drop(this, item));
        }

        public IAlertSink Sink { get; }
        public Channel<(AlertEvent Alert, byte[] Json)> Channel { get; }
        public long Dropped;
    }
}
