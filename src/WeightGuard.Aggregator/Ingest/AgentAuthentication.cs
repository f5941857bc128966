using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Ingest;

/// <summary>
/// Agents prove who they are with the TLS client certificate issued at enrolment: it must chain to this aggregator's
/// CA, and its CN must name an enrolled agent that has not been revoked.
/// </summary>
public sealed class AgentAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IAggregatorStore store, IssuedCertificates issued) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name, and the policy agent endpoints require.</summary>
    public const string SchemeName = "AgentCertificate";

    /// <summary>The enrolled agent that made the request (set on success).</summary>
    public static AgentRecord Agent(HttpContext context) =>
        context.Items[typeof(AgentRecord)] as AgentRecord ?? throw new InvalidOperationException("no authenticated agent on this request");

    /// <inheritdoc/>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var certificate = await Context.Connection.GetClientCertificateAsync(Context.RequestAborted);
        if (certificate is null) return AuthenticateResult.NoResult();
        if (!issued.Verify(certificate)) return AuthenticateResult.Fail("the client certificate was not issued by this aggregator, or has expired");
        var agentId = certificate.GetNameInfo(X509NameType.SimpleName, false);
        var agent = await store.GetAgentAsync(agentId, Context.RequestAborted);
        if (agent is null) return AuthenticateResult.Fail($"agent {agentId} is not enrolled");
        if (agent.RevokedAt is not null) return AuthenticateResult.Fail($"agent {agentId} was revoked on {agent.RevokedAt:O}");
        Context.Items[typeof(AgentRecord)] = agent;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, agentId)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <inheritdoc/>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Agent not recognised",
            detail: result.Failure?.Message ?? "this endpoint needs the client certificate issued at enrolment").ExecuteAsync(Context);
    }
}
