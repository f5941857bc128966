using System.Net;
using System.Text;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// D1: <c>--require-ek-certificate</c> was bypassed by enrolling without a TPM, whose reports were then stored as
/// "attestation absent". Now that enrolment is refused (before the token is spent), and <c>--require-attestation</c>
/// refuses every report without a verified quote. The fleet policy's <c>requireEkCertificate</c> and
/// <c>requireAttestation</c> mean the same, take effect when applied, and can only raise what <c>serve</c> demands.
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

    [Test]
    public async Task ThePolicysRequireEkCertificateRefusesEnrolmentWithoutATpmOnceApplied()
    {
        var aggregator = await StartAsync();
        using var agent = new TestAgent(aggregator);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        await ApplyPolicyAsync(aggregator, "requireEkCertificate: true\n");

        using var second = new TestAgent(aggregator);
        await ProblemAssert.IsProblemAsync(await second.PostEnrollmentAsync(second.Request(await aggregator.EnrollmentTokenAsync())),
            HttpStatusCode.Forbidden, "enrolment without a TPM is refused");
        var response = await agent.SubmitAsync(agent.Quote(TestReports.Create("gpu-none-01", aggregator.Clock.GetUtcNow()), null));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "accepts only attested reports");
    }

    [Test]
    public async Task ThePolicysRequireAttestationRefusesReportsWithoutAQuoteAndLiftingItAdmitsThemAgain()
    {
        var aggregator = await StartAsync();
        using var agent = new TestAgent(aggregator);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        await ApplyPolicyAsync(aggregator, "requireAttestation: true\n");
        await ProblemAssert.IsProblemAsync(await agent.SubmitAsync(agent.Quote(TestReports.Create("gpu-none-01", aggregator.Clock.GetUtcNow()), null)),
            HttpStatusCode.Forbidden, "accepts only attested reports");

        await ApplyPolicyAsync(aggregator, "requireAttestation: false\n");
        var result = await agent.ReportAsync(TestReports.Create("gpu-none-01", aggregator.Clock.GetUtcNow()));
        Assert.That(result.Attestation, Is.EqualTo("absent"));
    }

    [Test]
    public async Task ThePolicyCannotLowerWhatServeRequires()
    {
        var aggregator = await StartAsync(s => s with { RequireAttestation = true });
        using var agent = new TestAgent(aggregator);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        await ApplyPolicyAsync(aggregator, "requireAttestation: false\nrequireEkCertificate: false\n");
        await ProblemAssert.IsProblemAsync(await agent.SubmitAsync(agent.Quote(TestReports.Create("gpu-none-01", aggregator.Clock.GetUtcNow()), null)),
            HttpStatusCode.Forbidden, "accepts only attested reports");
    }

    [Test]
    public async Task APolicyFlagThatIsNotABooleanIsRefusedWithItsName()
    {
        var aggregator = await StartAsync();
        using var admin = aggregator.Client(bearer: await TokenAsync(aggregator, Roles.Admin));
        var response = await admin.PutAsync("/api/v1/policy", new StringContent("requireAttestation: yes-please\n", Encoding.UTF8, "application/yaml"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "requireAttestation must be true or false");
    }

    private static async Task ApplyPolicyAsync(TestAggregator aggregator, string yaml)
    {
        using var admin = aggregator.Client(bearer: await TokenAsync(aggregator, Roles.Admin));
        var response = await admin.PutAsync("/api/v1/policy", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
