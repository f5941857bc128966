using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeightGuard.Agent.Enrollment;

/// <summary>The non-secret half of the identity, <c>agent.json</c>.</summary>
/// <param name="Server">The aggregator's base URL.</param>
/// <param name="AgentId">The id the aggregator gave (the client certificate's CN).</param>
/// <param name="Tpm">Whether the agent enrolled with a TPM; if so, every report must carry a quote.</param>
/// <param name="TpmSelector">The TPM selector used at enrolment (auto, device:PATH, swtpm:HOST:PORT).</param>
/// <param name="EnrolledAt">When enrolment finished.</param>
public sealed record AgentSettings(Uri Server, string AgentId, bool Tpm, string TpmSelector, DateTimeOffset EnrolledAt)
{
    /// <summary>Reads <c>agent.json</c>.</summary>
    /// <exception cref="AgentException">Not valid settings.</exception>
    public static AgentSettings Parse(byte[] json, string file)
    {
        try
        {
            return JsonSerializer.Deserialize(json, AgentJsonContext.Default.AgentSettings)
                   ?? throw new AgentException($"{file}: empty settings");
        }
        catch (JsonException e) { throw new AgentException($"{file}: not valid agent settings: {e.Message}", e); }
    }

    /// <summary>The settings as indented JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, AgentJsonContext.Default.AgentSettings);
}

/// <summary>Source-generated JSON for the agent's own files (settings, status).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(AgentSettings))]
[JsonSerializable(typeof(Service.AgentStatus))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
