namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>
/// Holds hashing back while any GPU is busier than a threshold, so integrity checks never slow training or inference.
/// Every hashing worker passes through <see cref="WaitWhileBusy"/> before a file and between chunks of a large one;
/// the utilisation is asked at most once per poll interval, and while a GPU is busy all workers wait for the next poll.
/// </summary>
public sealed class GpuBusyGate
{
    /// <summary>How often the utilisation is asked.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private readonly int _busyPercent;
    private readonly IProgress<string>? _progress;
    private readonly TimeProvider _clock;
    private readonly Action<TimeSpan, CancellationToken> _wait;
    private readonly TimeSpan _pollInterval;
    private IGpuUtilization? _source;
    private long? _idleSince;

    /// <summary>Creates a gate.</summary>
    /// <param name="source">The utilisation source; null (no GPU tooling here) never pauses.</param>
    /// <param name="busyPercent">Pause while any GPU is above this percentage.</param>
    /// <param name="progress">Receives a line when hashing pauses, or when the utilisation cannot be read.</param>
    /// <param name="clock">The clock that spaces polls (tests pass a manual one).</param>
    /// <param name="wait">Waits for the next poll (tests pass one that returns at once); default: a cancellable wait.</param>
    /// <param name="pollInterval">Time between polls; default <see cref="DefaultPollInterval"/>.</param>
    public GpuBusyGate(IGpuUtilization? source, int busyPercent, IProgress<string>? progress = null, TimeProvider? clock = null,
        Action<TimeSpan, CancellationToken>? wait = null, TimeSpan? pollInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(busyPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(busyPercent, 100);
        _source = source;
        _busyPercent = busyPercent;
        _progress = progress;
        _clock = clock ?? TimeProvider.System;
        _wait = wait ?? ((interval, cancellation) => cancellation.WaitHandle.WaitOne(interval));
        _pollInterval = pollInterval ?? DefaultPollInterval;
    }

    /// <summary>How many times a poll found a GPU busy and hashing waited.</summary>
    public int Pauses { get; private set; }

    /// <summary>Returns at once while the last poll (within the poll interval) found every GPU idle; otherwise polls, and waits while busy.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled while waiting.</exception>
    public void WaitWhileBusy(CancellationToken cancellation = default)
    {
        if (_source is null) return;
        lock (_lock)
        {
            if (_idleSince is { } since && _clock.GetElapsedTime(since) < _pollInterval) return;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (BusiestAboveThreshold() is not { } busy)
                {
                    _idleSince = _clock.GetTimestamp();
                    return;
                }
                Pauses++;
                _progress?.Report($"hashing paused: GPU {busy.Index} at {busy.Percent}% (above {_busyPercent}%)");
                _wait(_pollInterval, cancellation);
            }
        }
    }

    /// <summary>The busiest GPU when it is above the threshold; null when all are at or below it, or when utilisation cannot be read.</summary>
    private (int Index, int Percent)? BusiestAboveThreshold()
    {
        IReadOnlyList<int?> percents;
        try
        {
            percents = _source!.Read();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // A tool that failed once will fail again (and may take its time-out each try): stop asking.
            _source = null;
            _progress?.Report($"GPU utilisation cannot be read ({e.Message}); hashing does not pause for GPU work");
            return null;
        }
        (int Index, int Percent)? busiest = null;
        for (var i = 0; i < percents.Count; i++)
            if (percents[i] is { } percent && percent > _busyPercent && (busiest is null || percent > busiest.Value.Percent)) busiest = (i, percent);
        return busiest;
    }
}
