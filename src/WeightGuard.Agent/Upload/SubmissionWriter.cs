using System.Text.Json;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Agent.Upload;

/// <summary>
/// Writes a <see cref="ReportSubmission"/> around report JSON that is already serialised, byte for byte, so the
/// evidence the quote was made over is exactly the evidence sent.
/// </summary>
public static class SubmissionWriter
{
    /// <summary><c>{"report": REPORT, "attestation": …}</c>.</summary>
    public static byte[] Write(ReadOnlySpan<byte> reportJson, QuoteAttestation? attestation)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("report");
            writer.WriteRawValue(reportJson, skipInputValidation: false);
            if (attestation is not null)
            {
                writer.WritePropertyName("attestation");
                JsonSerializer.Serialize(writer, attestation, ProtocolJsonContext.Default.QuoteAttestation);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
