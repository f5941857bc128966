using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>How urgently a person must act on an alert; sinks are configured with the least they are sent.</summary>
public enum AlertSeverity
{
    /// <summary>For the record: a host recovered, enrolled or was revoked.</summary>
    [JsonStringEnumMemberName("info")] Info,
    /// <summary>A host went stale: nothing is known about it any more.</summary>
    [JsonStringEnumMemberName("warning")] Warning,
    /// <summary>A host fails a control, or weights were copied outside the approved places.</summary>
    [JsonStringEnumMemberName("error")] Error,
    /// <summary>A host's attestation did not hold or its boot state drifted: its reports cannot be trusted.</summary>
    [JsonStringEnumMemberName("critical")] Critical,
}

/// <summary>Severities as configuration and events write them.</summary>
public static class AlertSeverities
{
    /// <summary>The severity's name: <c>info</c>, <c>warning</c>, <c>error</c>, <c>critical</c>.</summary>
    public static string Name(this AlertSeverity severity) => severity.ToString().ToLowerInvariant();

    /// <summary>The severity named <paramref name="name"/>, or null.</summary>
    public static AlertSeverity? Parse(string? name) => Enum.GetValues<AlertSeverity>().Cast<AlertSeverity?>().FirstOrDefault(s => s!.Value.Name() == name);
}

/// <summary>The event types.</summary>
public static class AlertTypes
{
    /// <summary>The host's state changed (compliant → failing, → stale, → compliant …).</summary>
    public const string StateChanged = "host.state-changed";
    /// <summary>A submission was refused because its attestation did not hold.</summary>
    public const string AttestationRefused = "attestation.refused";
    /// <summary>The verified PCRs moved away from the host's baseline.</summary>
    public const string PcrDrifted = "pcr.drifted";
    /// <summary>A weight file was found outside the approved weight paths that the previous report did not show.</summary>
    public const string StrayWeightsFound = "weights.stray-found";
}

/// <summary>
/// One alert as webhooks receive it and the dashboard keeps it: <c>weightguard.alert/v1</c>, published as
/// <c>schemas/weightguard.alert.v1.schema.json</c>. New members may be added within v1; none is removed or changes meaning.
/// </summary>
/// <param name="Id">The event id: the same on every delivery attempt and every sink (receivers de-duplicate by it).</param>
/// <param name="Type">One of <see cref="AlertTypes"/>.</param>
/// <param name="Severity">How urgent.</param>
/// <param name="Time">When the aggregator saw the change.</param>
/// <param name="Host">The host.</param>
/// <param name="State">The host's own state before and after.</param>
/// <param name="Profiles">The host's state per profile it is judged against, before and after.</param>
/// <param name="Reasons">Why, in words: failing controls, what the attestation check found, the stray paths.</param>
/// <param name="Aggregator">Which aggregator raised it.</param>
public sealed record AlertEvent(Guid Id, string Type, AlertSeverity Severity, DateTimeOffset Time, AlertHost Host, StateChange State,
    IReadOnlyList<ProfileStateChange> Profiles, IReadOnlyList<string> Reasons, AlertSource Aggregator)
{
    /// <summary>The schema id.</summary>
    public const string SchemaId = "weightguard.alert/v1";

    /// <summary>Always <see cref="SchemaId"/>.</summary>
    [JsonPropertyOrder(-1)]
    public string Schema => SchemaId;

    /// <summary>The event as UTF-8 JSON, the exact bytes signed and sent.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, AlertJsonContext.Default.AlertEvent);

    /// <summary>An event read back from <see cref="ToJson"/>.</summary>
    public static AlertEvent FromJson(string json) => JsonSerializer.Deserialize(json, AlertJsonContext.Default.AlertEvent)
        ?? throw new JsonException("an alert event is null");
}

/// <summary>The host an alert is about.</summary>
/// <param name="Name">Its enrolled name.</param>
/// <param name="AgentId">Its agent id.</param>
/// <param name="Labels">Its labels (<c>key=value</c>).</param>
public sealed record AlertHost(string Name, string AgentId, IReadOnlyList<string> Labels);

/// <summary>A state before and after (<c>compliant</c>, <c>failing</c>, <c>stale</c>, <c>untrusted</c>, <c>no-report</c>, <c>revoked</c>).</summary>
/// <param name="From">Before; <c>no-report</c> for a host not seen before.</param>
/// <param name="To">After.</param>
public sealed record StateChange(string From, string To);

/// <summary>A host's state against one profile before and after.</summary>
/// <param name="Id">The profile.</param>
/// <param name="From">Before, or null when the host was not judged against it.</param>
/// <param name="To">After, or null when it no longer is.</param>
public sealed record ProfileStateChange(string Id, string? From, string? To);

/// <summary>The aggregator that raised an alert.</summary>
/// <param name="Instance">Its configured instance name (default: the machine's name).</param>
/// <param name="Version">Its version.</param>
public sealed record AlertSource(string Instance, string Version);

/// <summary>Serialises alert events: camelCase, kebab-case severities, ISO 8601 times.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AlertEvent))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
