using System.Net;
using System.Net.Sockets;
using System.Text;
using WeightGuard.Aggregator.Alerts;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>RFC 5424 messages as written, read back by an independent parser; octet counting on a real TCP stream.</summary>
public sealed class SyslogFrameTests
{
    [TestCase(AlertSeverity.Critical, 16, 130)]
    [TestCase(AlertSeverity.Error, 16, 131)]
    [TestCase(AlertSeverity.Warning, 4, 36)]
    [TestCase(AlertSeverity.Info, 0, 6)]
    public void PriIsFacilityTimesEightPlusSeverity(AlertSeverity severity, int facility, int pri) =>
        Assert.That(Rfc5424Message.Parse(SyslogFrame.Format(Alerts.Event(severity: severity), facility, 2048, 42)).Priority, Is.EqualTo(pri));

    [Test]
    public void HeaderFieldsAreThoseOfRfc5424()
    {
        var alert = Alerts.Event();
        var message = Rfc5424Message.Parse(SyslogFrame.Format(alert, 16, 2048, 4242));
        Assert.Multiple(() =>
        {
            Assert.That(message.Timestamp, Is.EqualTo("2026-12-03T18:00:00.123456Z"), "UTC, microseconds");
            Assert.That((message.Hostname, message.AppName, message.ProcId, message.MsgId), Is.EqualTo(("agg-test", "weightguard", "4242", "host.state-changed")));
            Assert.That(message.StructuredData[SyslogFrame.StructuredDataId]["eventId"], Is.EqualTo(alert.Id.ToString()));
            Assert.That(message.StructuredData[SyslogFrame.StructuredDataId]["profiles"], Is.EqualTo("rand-sl3:compliant>failing"));
            Assert.That(message.StructuredData["origin"]["swVersion"], Is.EqualTo("0.1.0"));
            Assert.That(message.Message, Is.EqualTo("host gpu-train-01: host.state-changed compliant -> failing: WG-INV-002 failed (high, rand-sl3)"));
        });
    }

    [Test]
    public void QuotesBackslashesAndBracketsInParameterValuesAreEscapedAndControlCharactersReplaced()
    {
        var message = Rfc5424Message.Parse(SyslogFrame.Format(Alerts.Event(agentId: "a\"b\\c]d\ne"), 16, 2048, 1));
        Assert.That(message.StructuredData[SyslogFrame.StructuredDataId]["agentId"], Is.EqualTo("a\"b\\c]d?e"));
        var raw = Encoding.UTF8.GetString(SyslogFrame.Format(Alerts.Event(agentId: "a\"b\\c]d"), 16, 2048, 1));
        Assert.That(raw, Does.Contain("agentId=\"a\\\"b\\\\c\\]d\""));
    }

    [Test]
    public void AReasonsNewlineDoesNotSplitTheMessage()
    {
        var message = Rfc5424Message.Parse(SyslogFrame.Format(Alerts.Event(reasons: ["quote\nforged: <1>1 - - - - - fake"]), 16, 2048, 1));
        Assert.That(message.Message, Does.Contain("quote forged").And.Not.Contain("\n"));
    }

    [Test]
    public void ALongMessageIsCutToTheLimitOnACharacterBoundary()
    {
        var reasons = Enumerable.Range(0, 400).Select(i => $"weight file outside the approved paths: /home/ünïcødé/{i}.safetensors").ToList();
        foreach (var limit in new[] { 1024, 1500, 2048 })
        {
            var bytes = SyslogFrame.Format(Alerts.Event(reasons: reasons), 16, limit, 1);
            Assert.That(bytes, Has.Length.LessThanOrEqualTo(limit).And.Length.GreaterThan(limit - 4));
            var message = Rfc5424Message.Parse(bytes); // strict UTF-8: a cut inside a character would throw
            Assert.That(message.Message, Does.EndWith("...").And.StartWith("host gpu-train-01:"));
        }
    }

    [Test]
    public void TheLongestRealFieldsFitTheSmallestLimitWhole()
    {
        var longest = string.Join('.', Enumerable.Repeat(new string('h', 63), 4))[..253];
        var profiles = new[] { "rand-sl1", "rand-sl2", "rand-sl3", "rand-sl4", "rand-sl5", "ncsc-secure-ai", "dsit-ai-cop" }
            .Select(p => new ProfileStateChange(p, "no-report", "untrusted")).ToList();
        var alert = Alerts.Event(host: longest, instance: new string('i', 300), profiles: profiles);
        var bytes = SyslogFrame.Format(alert, 23, 1024, int.MaxValue);
        Assert.That(bytes, Has.Length.LessThanOrEqualTo(1024));
        var message = Rfc5424Message.Parse(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(message.StructuredData[SyslogFrame.StructuredDataId]["host"], Is.EqualTo(longest));
            Assert.That(message.StructuredData[SyslogFrame.StructuredDataId]["agentId"], Is.EqualTo(alert.Host.AgentId));
            Assert.That(message.StructuredData[SyslogFrame.StructuredDataId]["profiles"].Split(','), Has.Length.EqualTo(7));
            Assert.That(message.Hostname, Is.EqualTo(new string('i', 64)), "HOSTNAME is cut to 64 characters");
        });
    }

    [Test]
    public void HostileFieldsAreCutUntilTheMessageFitsTheLimit()
    {
        var alert = Alerts.Event(host: new string(']', 2000), agentId: new string('"', 2000),
            profiles: Enumerable.Range(0, 400).Select(i => new ProfileStateChange($"profile-{i}", "no-report", "untrusted")).ToList());
        var bytes = SyslogFrame.Format(alert, 16, 1024, 1);
        Assert.That(bytes, Has.Length.LessThanOrEqualTo(1024));
        Assert.That(Rfc5424Message.Parse(bytes).StructuredData[SyslogFrame.StructuredDataId]["eventId"], Is.EqualTo(alert.Id.ToString()));
    }

    [Test]
    public void OctetCountingPrefixesTheLengthInOctets()
    {
        var message = "<131>1 é"u8.ToArray();
        Assert.That(SyslogFrame.OctetCounted(message), Is.EqualTo("9 <131>1 é"u8.ToArray()));
    }

    [Test]
    public async Task TcpMessagesArriveOctetCountedOnOneStream()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            await using var sink = new SyslogSink(new SyslogSettings { Name = "siem", Transport = SyslogTransport.Tcp, Host = "127.0.0.1", Port = port });
            var (first, second) = (Alerts.Event(), Alerts.Event(reasons: ["a reason with ] and \" in it"]));
            var accept = listener.AcceptTcpClientAsync();
            Assert.That((await sink.SendAsync(first, first.ToJson(), CancellationToken.None)).Delivered);
            Assert.That((await sink.SendAsync(second, second.ToJson(), CancellationToken.None)).Delivered);
            using var client = await accept.WaitAsync(TimeSpan.FromSeconds(30));
            var stream = client.GetStream();
            var ids = new List<string>();
            for (var i = 0; i < 2; i++)
                ids.Add(Rfc5424Message.Parse(await ReadFrameAsync(stream)).StructuredData[SyslogFrame.StructuredDataId]["eventId"]);
            Assert.That(ids, Is.EqualTo(new[] { first.Id.ToString(), second.Id.ToString() }), "two messages on one connection, in order");
        }
        finally { listener.Stop(); }
    }

    [Test]
    public async Task ATcpReceiverThatIsGoneFailsTheDeliveryWithTheReason()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var sink = new SyslogSink(new SyslogSettings { Name = "siem", Transport = SyslogTransport.Tcp, Host = "127.0.0.1", Port = port });
        var alert = Alerts.Event();
        var outcome = await sink.SendAsync(alert, alert.ToJson(), CancellationToken.None);
        Assert.That((outcome.Delivered, outcome.Attempts), Is.EqualTo((false, 2)));
        Assert.That(outcome.Detail, Does.StartWith($"tcp:127.0.0.1:{port}: ").And.Contain("refused"));
    }

    /// <summary>Reads one RFC 6587 octet-counted frame: digits, a space, that many octets.</summary>
    private static async Task<byte[]> ReadFrameAsync(Stream stream)
    {
        var length = 0;
        var one = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(one).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            if (one[0] == ' ') break;
            Assert.That(char.IsAsciiDigit((char)one[0]), $"MSG-LEN holds '{(char)one[0]}'");
            length = length * 10 + (one[0] - '0');
        }
        var frame = new byte[length];
        await stream.ReadExactlyAsync(frame).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        return frame;
    }
}
