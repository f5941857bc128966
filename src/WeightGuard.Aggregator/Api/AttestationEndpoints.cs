using WeightGuard.Aggregator.Attestations;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Api;

/// <summary>A manual attestation with whether it is in force now.</summary>
/// <param name="Attestation">The attestation as recorded.</param>
/// <param name="Status"><c>in-force</c>, <c>expired</c> or <c>withdrawn</c>.</param>
public sealed record AttestationView(StoredAttestation Attestation, string Status)
{
    /// <summary>The view of <paramref name="a"/> at <paramref name="now"/>.</summary>
    public static AttestationView Of(StoredAttestation a, DateTimeOffset now) =>
        new(a, a.WithdrawnAt is not null ? "withdrawn" : a.Expires <= now ? "expired" : "in-force");
}

/// <summary>
/// Manual attestations: people (auditors and admins) record that a manual control holds on some hosts; every viewer
/// reads them. Recording or withdrawing one judges the fleet's latest reports again at once.
/// </summary>
internal static class AttestationEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/attestations", async (IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
        {
            var now = time.GetUtcNow();
            return (await store.ListAttestationsAsync(cancel)).Select(a => AttestationView.Of(a, now)).ToList();
        }).RequireAuthorization(Roles.Viewer);

        var people = app.MapGroup("/api/v1/attestations").RequireAuthorization(Roles.Auditor);
        people.MapPost("", async (HttpRequest http, Catalog catalog, IAggregatorStore store, FleetJudge judge, AuditLog audit, TimeProvider time,
            CancellationToken cancel) =>
        {
            var request = await AdminEndpoints.ReadAsync<AttestationRequest>(http, MaxBodyBytes, cancel);
            StoredAttestation attestation;
            try { attestation = request.Accept(catalog, http.HttpContext.User.Identity!.Name!, time.GetUtcNow()); }
            catch (ArgumentException e) { throw ProblemException.BadRequest(e.Message); }
            await store.AddAttestationAsync(attestation, cancel);
            await audit.RecordAsync(http.HttpContext, AuditActions.AttestationAdded, attestation.AttestationId.ToString(), Details(attestation), cancel);
            await judge.RejudgeAsync(null, cancel);
            return Results.Created($"/api/v1/attestations/{attestation.AttestationId}", AttestationView.Of(attestation, time.GetUtcNow()));
        });
        people.MapDelete("/{attestationId:guid}", async (Guid attestationId, HttpContext http, IAggregatorStore store, FleetJudge judge, AuditLog audit,
            TimeProvider time, CancellationToken cancel) =>
        {
            if (!await store.WithdrawAttestationAsync(attestationId, time.GetUtcNow(), cancel))
                throw ProblemException.NotFound($"no standing attestation {attestationId}");
            await audit.RecordAsync(http, AuditActions.AttestationWithdrawn, attestationId.ToString(), cancel: cancel);
            await judge.RejudgeAsync(null, cancel);
            return Results.NoContent();
        });
    }

    /// <summary>What the audit log records of an attestation.</summary>
    public static string Details(StoredAttestation a) =>
        $"control {a.ControlId}; hosts {a.ToAttestation().Hosts}; expires {a.Expires:O}; evidence {a.EvidenceRef ?? "none"}";
}
