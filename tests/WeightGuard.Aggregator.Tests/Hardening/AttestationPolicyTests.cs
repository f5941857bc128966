using System.Net;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// D1: <c>--require-ek-certificate</c> was bypassed by enrolling without a TPM, whose reports were then stored as
/// "attestation absent". Now that enrolment is refused (before the token is spent), and <c>--require-attestation</c>
/// refuses every report without a verified quote.
/// </summary>
public sealed class AttestationPolicyTests(string database) : OnBothDatabases(database)
{
    [Test]
    public async Task RequiringAnEkCertificateRefusesEnrolmentWithoutATpmAndKeepsTheToken()
    {
        var aggregator = await StartAsync(requireEkCertificate: true);
        using var agent = new TestAgent(aggregator);
        var token = await aggregator.EnrollmentTokenAsync();
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(agent.Request(token)), HttpStatusCode.Forbidden,
            "enrolment without a TPM is refused");
        Assert.That((await aggregator.Store.ListHostsAsync(new HostQuery())).Total, Is.Zero);
        Assert.That(await aggregator.Store.ConsumeEnrollmentTokenAsync(EnrollmentToken.Parse(token).SecretHash, aggregator.Clock.GetUtcNow()), Is.True,
            "the refused request did not spend the token");
    }

    [Test]
    public async Task RequiringAttestationRefusesReportsWithoutAQuote()
    {
        var aggregator = await StartAsync(s => s with { RequireAttestation = true });
        using var agent = new TestAgent(aggregator);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        var response = await agent.SubmitAsync(agent.Quote(TestReports.Create("gpu-none-01", aggregator.Clock.GetUtcNow()), null));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "accepts only attested reports");
        Assert.That((await aggregator.Store.ListHostsAsync(new HostQuery())).Hosts.Single().Latest, Is.Null, "nothing was stored as 'absent'");
    }

    [Test]
    public async Task RequiringAttestationStillAcceptsAVerifiedQuote()
    {
        var aggregator = await StartAsync(s => s with { RequireAttestation = true }, requireEkCertificate: true, tpmCaDirectory: Swtpm.Shared.CaDirectory);
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(aggregator, tpm);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        var result = await agent.ReportAsync(TestReports.Create("gpu-tpm-01", aggregator.Clock.GetUtcNow()));
        Assert.That(result.Attestation, Is.EqualTo("verified"));
    }
}
