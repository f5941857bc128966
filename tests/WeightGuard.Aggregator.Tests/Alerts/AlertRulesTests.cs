using System.Text.Json;
using Json.Schema;
using WeightGuard.Aggregator.Alerts;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>Which changes raise which alerts, and the events' JSON against the published schema.</summary>
public sealed class AlertRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(RepoPaths.Root, "schemas", "weightguard.alert.v1.schema.json"));

    private static HostAlertState State(string state, bool drift = false, DateTimeOffset? refused = null, params string[] stray) =>
        new("a1", 1, state, new Dictionary<string, string> { ["rand-sl3"] = state }, drift, refused, stray, T0);

    private static HostFacts Facts(string state, bool drift = false, Refusal? refusal = null, params CurrentVerdict[] failing) => new(
        new HostView("a1", "gpu-a", "gpu-a", false, false, [], state, false, T0, null, true, true, drift,
            new LatestReportView(Guid.NewGuid(), T0, "verified", "rand-sl3"), refusal, [], null), failing, TimeSpan.FromHours(3));

    [Test]
    public void NothingChangedRaisesNothing() =>
        Assert.That(AlertRules.Between(State(HostState.Failing, stray: "/tmp/a"), State(HostState.Failing, stray: "/tmp/a"), Facts(HostState.Failing)), Is.Empty);

    [Test]
    public void FailingListsFailuresBeforeErrorsMostSevereFirstAndCountsWhatIsLeftOut()
    {
        var failing = Enumerable.Range(0, 25).Select(i => new CurrentVerdict("rand-sl3", $"WG-X-{i:000}", "error", "low"))
            .Append(new CurrentVerdict("rand-sl3", "WG-INV-002", "fail", "high")).Append(new CurrentVerdict("rand-sl3", "WG-TPM-001", "fail", "critical")).ToArray();
        var draft = AlertRules.Between(State(HostState.Compliant), State(HostState.Failing), Facts(HostState.Failing, failing: failing)).Single();
        Assert.Multiple(() =>
        {
            Assert.That((draft.Type, draft.Severity), Is.EqualTo((AlertTypes.StateChanged, AlertSeverity.Error)));
            Assert.That(draft.Reasons.Take(2), Is.EqualTo(new[] { "WG-TPM-001 failed (critical, rand-sl3)", "WG-INV-002 failed (high, rand-sl3)" }));
            Assert.That(draft.Reasons[2], Is.EqualTo("WG-X-000 could not be checked (low, rand-sl3)"));
            Assert.That(draft.Reasons, Has.Count.EqualTo(AlertRules.MaxReasons + 1));
            Assert.That(draft.Reasons[^1], Is.EqualTo("and 7 more"));
        });
    }

    [Test]
    public void DriftIsCriticalAndStandsForTheMoveToUntrusted()
    {
        var drafts = AlertRules.Between(State(HostState.Compliant), State(HostState.Untrusted, drift: true), Facts(HostState.Untrusted, drift: true));
        Assert.That(drafts.Select(d => (d.Type, d.Severity)), Is.EqualTo(new[] { (AlertTypes.PcrDrifted, AlertSeverity.Critical) }));
    }

    [Test]
    public void EveryNewRefusalIsRaisedEvenWhenTheHostIsAlreadyUntrusted()
    {
        var refusal = new Refusal(T0.AddHours(1), "quote", "the signature does not verify under the enrolled AK");
        var drafts = AlertRules.Between(State(HostState.Untrusted, refused: T0), State(HostState.Untrusted, refused: refusal.At), Facts(HostState.Untrusted, refusal: refusal));
        Assert.That(drafts.Single().Reasons.Single(), Is.EqualTo("the quote check failed: the signature does not verify under the enrolled AK"));
        Assert.That(AlertRules.Between(State(HostState.Untrusted, refused: refusal.At), State(HostState.Untrusted, refused: refusal.At), Facts(HostState.Untrusted, refusal: refusal)),
            Is.Empty, "the same refusal is not raised twice");
    }

    [Test]
    public void ARecoveryIsInfoAndAStaleHostAWarning()
    {
        Assert.That(AlertRules.Between(State(HostState.Failing), State(HostState.Compliant), Facts(HostState.Compliant)).Single().Severity, Is.EqualTo(AlertSeverity.Info));
        Assert.That(AlertRules.Between(State(HostState.Compliant), State(HostState.Stale), Facts(HostState.Stale)).Single().Severity, Is.EqualTo(AlertSeverity.Warning));
    }

    [Test]
    public void StrayCopiesThatWentAwayRaiseNothing() =>
        Assert.That(AlertRules.Between(State(HostState.Failing, stray: ["/tmp/a", "/tmp/b"]), State(HostState.Failing, stray: "/tmp/a"), Facts(HostState.Failing)), Is.Empty);

    [TestCase(null)]
    [TestCase("untrusted")]
    public void EventsMatchThePublishedSchema(string? to)
    {
        var alert = Alerts.Event() with { Profiles = [new ProfileStateChange("rand-sl3", null, to)] };
        var json = JsonDocument.Parse(alert.ToJson()).RootElement;
        var result = Schema.Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.That(result.IsValid, string.Join("\n", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
        Assert.That(json.GetProperty("severity").GetString(), Is.EqualTo("error"));
        Assert.That(AlertEvent.FromJson(json.GetRawText()), Is.EqualTo(alert).Using<AlertEvent>((a, b) => a.Id == b.Id && a.Time == b.Time && a.Severity == b.Severity));
    }

    [Test]
    public void TheSchemaRefusesAnEventWithoutAnId()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Alerts.Event().ToJson())!.AsObject();
        json.Remove("id");
        Assert.That(Schema.Evaluate(JsonDocument.Parse(json.ToJsonString()).RootElement).IsValid, Is.False);
    }
}
