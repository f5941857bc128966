using WeightGuard.Collectors.Tpm;

namespace WeightGuard.Agent.Attestation;

/// <summary>The firmware event log a quote's PCRs replay from, read for attaching to a submission.</summary>
public static class FirmwareEventLog
{
    /// <summary>
    /// Largest log attached: its base64 must leave room for the report within
    /// <see cref="Core.Protocol.AgentProtocol.MaxSubmissionBytes"/>; real logs are tens of kilobytes.
    /// </summary>
    public const int MaxAttachedBytes = 2 * 1024 * 1024;

    /// <summary>The log's bytes, or null when the host exposes none, it is unreadable (not root) or too large.</summary>
    public static byte[]? TryRead(string path = TpmCollector.EventLogPath)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[MaxAttachedBytes + 1];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return length is 0 or > MaxAttachedBytes ? null : buffer[..length];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
