using System.Security.Claims;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Audit;

/// <summary>
/// Records privileged actions in the store's hash-chained audit log: who (the API token's holder and id), when (the
/// aggregator's clock), what (<see cref="AuditActions"/>), to what, and from where (the client's address). Every route
/// or command that changes who may do what, what is judged, or what leaves the aggregator calls it once it has done so.
/// </summary>
public sealed class AuditLog(IAggregatorStore store, TimeProvider time)
{
    /// <summary>Actor and source of actions taken with the <c>weightguard-aggregator</c> command on the server itself.</summary>
    public static string CommandLine { get; } = $"command line ({Environment.UserName})";

    /// <summary>Appends a row and returns it.</summary>
    /// <param name="actor">Who; see <see cref="Actor"/> and <see cref="CommandLine"/>.</param>
    /// <param name="action">What, one of <see cref="AuditActions"/>.</param>
    /// <param name="target">What it was done to (a token id, an agent id, a waiver id…).</param>
    /// <param name="details">Anything else worth keeping; empty when nothing.</param>
    /// <param name="source">From where: a client address, or <see cref="CommandLine"/>.</param>
    /// <param name="cancel">Cancels the write.</param>
    public Task<AuditEntry> RecordAsync(string actor, string action, string target, string details, string source, CancellationToken cancel = default) =>
        store.AppendAuditAsync(new AuditAction(actor, action, target, details, source), time.GetUtcNow(), cancel);

    /// <summary>Appends a row for an action taken in <paramref name="http"/>'s request by its signed-in person, from its client address.</summary>
    public Task<AuditEntry> RecordAsync(HttpContext http, string action, string target, string details = "", CancellationToken cancel = default) =>
        RecordAsync(Actor(http.User), action, target, details, Throttles.ClientAddress(http), cancel);

    /// <summary>How a person appears in the log: <c>NAME (token ID)</c>, or <c>anonymous</c> for unauthenticated routes (enrolment).</summary>
    public static string Actor(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true
        ? $"{user.Identity.Name} (token {user.FindFirstValue(ApiTokens.IdClaim)})"
        : "anonymous";
}

/// <summary>The actions the audit log records.</summary>
public static class AuditActions
{
    /// <summary>An API token was issued (target: its id; details: name, role, expiry).</summary>
    public const string ApiTokenCreated = "api-token.created";
    /// <summary>An API token was revoked (target: its id; details: name).</summary>
    public const string ApiTokenRevoked = "api-token.revoked";
    /// <summary>An enrolment token was issued (target: uses and expiry).</summary>
    public const string EnrollmentTokenCreated = "enrollment-token.created";
    /// <summary>An agent enrolled (target: agent id; details: hostname, TPM).</summary>
    public const string AgentEnrolled = "agent.enrolled";
    /// <summary>An agent was revoked (target: agent id).</summary>
    public const string AgentRevoked = "agent.revoked";
    /// <summary>A waiver was stored (target: waiver id; details: control, hosts, expiry).</summary>
    public const string WaiverAdded = "waiver.added";
    /// <summary>A stored waiver was deleted (target: waiver id).</summary>
    public const string WaiverRemoved = "waiver.removed";
    /// <summary>A host's PCR baseline was chosen (target: agent id; details: report id).</summary>
    public const string BaselineChanged = "baseline.changed";
    /// <summary>A host's labels were replaced (target: agent id; details: the labels).</summary>
    public const string LabelsChanged = "labels.changed";
    /// <summary>An evidence bundle was exported (target: manifest SHA-256; details: hosts and reports).</summary>
    public const string ExportMade = "export.made";
    /// <summary>The fleet policy was applied.</summary>
    public const string PolicyChanged = "policy.changed";
    /// <summary>A manual attestation was recorded.</summary>
    public const string AttestationAdded = "attestation.added";
    /// <summary>A manual attestation was withdrawn.</summary>
    public const string AttestationWithdrawn = "attestation.withdrawn";
}
