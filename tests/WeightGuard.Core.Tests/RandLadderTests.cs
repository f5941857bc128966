using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;
using static WeightGuard.Core.Tests.CatalogText;
using static WeightGuard.Core.Tests.EvaluatorTests;

namespace WeightGuard.Core.Tests;

/// <summary>The RAND ladder's two figures, manual attestations, and waivers and attestations in force at the instant judged.</summary>
public class RandLadderTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>SL1: an automated control and a manual one; SL2: a manual one; SL3: the readers bound tightened; other: a profile off the ladder.</summary>
    private static Catalog.Catalog Ladder(params CatalogSource[] waivers) => Load(
        [Control("WG-ACL-001", rand: "SL1"), Control("WG-MFA-001", "manual", rand: "SL1"), Control("WG-MPA-001", "manual", rand: "SL2"),
         Control("WG-ACL-002", "weight-readers-allowed", rand: "SL1")],
        [Profile("rand-sl1", "WG-ACL-001, WG-MFA-001, WG-ACL-002"), Profile("rand-sl2", "WG-MPA-001", "rand-sl1"),
         Profile("rand-sl3", "", "rand-sl2", "params:\n  WG-ACL-002: { max-readers: 1 }"),
         Profile("rand-sl4", "", "rand-sl3"), Profile("rand-sl5", "", "rand-sl4"), Profile("ncsc", "WG-ACL-001")], waivers).Catalog!;

    private static Evidence.Evidence CleanHost(int readers = 1) => Host(access: Access(File("/models/a.safetensors", "0640",
        Enumerable.Range(0, readers).Select(i => new Reader($"svc{i}", 900 + i, false, "group:weights")).ToArray())));

    private static ManualAttestation Attest(string control, DateTimeOffset recorded, DateTimeOffset expires, string hosts = "gpu-*",
        IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        ControlId = control, Hosts = new HostSelector(hosts, labels ?? new Dictionary<string, string>()), Statement = "reviewed",
        Attestor = "auditor@example.com", RecordedAt = recorded, Expires = expires, Id = control + recorded.ToUnixTimeSeconds(),
    };

    [Test]
    public void AutomatedControlsAllPassingWithManualOnesUnattestedMeetsHostControlsButAttestsNothing()
    {
        var rand = Evaluator.Evaluate(Ladder(), "ncsc", CleanHost(), Now).Summary.Rand;
        Assert.That(rand, Is.EqualTo(new RandStanding("SL5", "SL0", 2)));
        Assert.That(rand.ToString(), Is.EqualTo("RAND SL5 host controls met; attested SL0, 2 attestations pending"));
    }

    [Test]
    public void AttestingTheManualControlsRaisesAttestedAndAnExpiredOrWithdrawnAttestationLowersItAgain()
    {
        var sl1 = Attest("WG-MFA-001", Now.AddDays(-1), Now.AddDays(30));
        var sl2 = Attest("WG-MPA-001", Now.AddDays(-1), Now.AddHours(1));
        var catalog = Ladder().WithAttestations([sl1, sl2]);
        var judged = Evaluator.Evaluate(catalog, "rand-sl2", CleanHost(), Now);
        Assert.Multiple(() =>
        {
            Assert.That(judged.Summary.Rand, Is.EqualTo(new RandStanding("SL5", "SL5", 0)));
            Assert.That(judged.Results.Single(r => r.ControlId == "WG-MPA-001").Status, Is.EqualTo(ControlStatus.Attested), "attested, never pass");
            Assert.That(judged.Results.Single(r => r.ControlId == "WG-MPA-001").Attestation!.Attestor, Is.EqualTo("auditor@example.com"));
            Assert.That(judged.Summary.Attested, Is.EqualTo(2));
            Assert.That(judged.Summary.Pass, Is.EqualTo(2));
            Assert.That(Evaluator.Evaluate(catalog, "rand-sl2", CleanHost(), Now.AddHours(2)).Summary.Rand, Is.EqualTo(new RandStanding("SL5", "SL1", 1)),
                "the SL2 attestation expired");
            Assert.That(Evaluator.Evaluate(Ladder().WithAttestations([sl1, sl2 with { WithdrawnAt = Now.AddMinutes(-1) }]), "rand-sl2", CleanHost(), Now)
                .Summary.Rand.Attested, Is.EqualTo("SL1"), "withdrawn");
            Assert.That(Evaluator.Evaluate(catalog, "rand-sl2", CleanHost(), Now.AddDays(-2)).Summary.Rand.Attested, Is.EqualTo("SL0"),
                "not yet recorded at that instant");
        });
    }

    [Test]
    public void AnAttestationCoversOnlyTheHostsItsSelectorNames()
    {
        var byLabel = Attest("WG-MFA-001", Now.AddDays(-1), Now.AddDays(1), hosts: "*", labels: new Dictionary<string, string> { ["role"] = "inference" });
        var catalog = Ladder().WithAttestations([byLabel]);
        string Status(HostSubject subject) => Evaluator.Evaluate(catalog, "rand-sl1", CleanHost(), subject, Now).Results
            .Single(r => r.ControlId == "WG-MFA-001").Status.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(Status(new HostSubject("gpu-01", ["role=inference"])), Is.EqualTo("Attested"));
            Assert.That(Status(new HostSubject("gpu-01", ["role=training"])), Is.EqualTo("Manual"));
            Assert.That(Status(HostSubject.Named("gpu-01")), Is.EqualTo("Manual"));
        });
    }

    [Test]
    public void EachLevelIsJudgedWithItsOwnParameters()
    {
        // Two readers: within SL1's bound, over SL3's (max-readers 1), whichever profile was asked for.
        var judged = Evaluator.Evaluate(Ladder(), "rand-sl1", CleanHost(readers: 2), Now);
        Assert.Multiple(() =>
        {
            Assert.That(judged.Results.Single(r => r.ControlId == "WG-ACL-002").Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(judged.Summary.Rand.HostControlsMet, Is.EqualTo("SL2"));
        });
    }

    [Test]
    public void AFailureAnErrorOrAWaiverStopsTheClimb()
    {
        var failing = Host(access: Access(File("/models/a.safetensors", "0644")));
        var waiver = new CatalogSource("waivers/w.yaml", "waivers:\n  - {control: WG-ACL-001, hosts: 'gpu-*', justification: j, approver: a, expires: 2030-01-01}\n");
        var errored = Host(failures: [new CollectorFailure("access", "permission denied")]);
        Assert.Multiple(() =>
        {
            Assert.That(Evaluator.Evaluate(Ladder(), "ncsc", failing, Now).Summary.Rand, Is.EqualTo(new RandStanding("SL0", "SL0", 0)));
            Assert.That(Evaluator.Evaluate(Ladder(waiver), "ncsc", failing, Now).Summary.Rand.HostControlsMet, Is.EqualTo("SL0"));
            Assert.That(Evaluator.Evaluate(Ladder(), "ncsc", errored, Now).Summary.Rand.HostControlsMet, Is.EqualTo("SL0"));
        });
    }

    [Test]
    public void AStoredWaiverDoesNotApplyToJudgementsMadeBeforeItWasRecordedOrAfterItWasWithdrawn()
    {
        var failing = Host(access: Access(File("/models/a.safetensors", "0644")));
        var waiver = new Waiver
        {
            ControlId = "WG-ACL-001", HostPattern = "gpu-*", Justification = "j", Approver = "a", Expires = new DateOnly(2030, 1, 1),
            Source = new SourceLocation("stored", 0), RecordedAt = Now, WithdrawnAt = Now.AddDays(1),
        };
        var catalog = Ladder().WithWaivers([waiver]);
        ControlStatus At(DateTimeOffset t) => Evaluator.Evaluate(catalog, "ncsc", failing, t).Results.Single().Status;
        Assert.Multiple(() =>
        {
            Assert.That(At(Now.AddSeconds(-1)), Is.EqualTo(ControlStatus.Fail));
            Assert.That(At(Now), Is.EqualTo(ControlStatus.Waived));
            Assert.That(At(Now.AddDays(1)), Is.EqualTo(ControlStatus.Fail));
        });
    }

    [Test]
    public void AttestationFilesAreReadWithTheirSelectorAndTimesAndOnlyForManualControls()
    {
        var (attestations, errors) = CatalogLoader.LoadAttestations(new CatalogSource("a.yaml", """
            attestations:
              - control: WG-MPA-001
                labels: {role: inference}
                statement: Two-person rule enforced by the release pipeline
                evidence: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                attestor: auditor@example.com
                recorded: 2026-05-01T09:00:00Z
                expires: 2026-12-31
              - control: WG-ACL-001
                hosts: "*"
                statement: not manual
                attestor: a
                recorded: 2026-05-01
                expires: 2026-12-31
            """), Ladder());
        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[] { "a.yaml:9: only manual controls are attested; 'WG-ACL-001' is checked on the host (kind 'weights-no-world-access')" }));
            Assert.That(attestations, Has.Count.EqualTo(1));
            Assert.That(attestations[0].Hosts.Labels["role"], Is.EqualTo("inference"));
            Assert.That(attestations[0].RecordedAt, Is.EqualTo(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero)));
            Assert.That(attestations[0].Expires, Is.EqualTo(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)), "in force through the day named");
        });
    }
}
