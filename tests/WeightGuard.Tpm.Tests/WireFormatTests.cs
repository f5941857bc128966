using System.Net;
using System.Net.Sockets;
using WeightGuard.Testing;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Tpm.Tests;

/// <summary>Byte-exact commands and strict response checks, using exchanges captured from swtpm.</summary>
public class WireFormatTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    [Test]
    public void GetRandomIsMarshalledExactly()
    {
        var transport = new ScriptedTransport(Hex("80010000001c000000000010 00112233445566778899aabbccddeeff"));
        var bytes = new TpmClient(transport).GetRandom(16);
        Assert.That(transport.Commands.Single(), Is.EqualTo(Hex("80010000000c0000017b0010")));
        Assert.That(bytes, Is.EqualTo(Hex("00112233445566778899aabbccddeeff")));
    }

    [Test]
    public void PcrReadIsMarshalledExactly()
    {
        var zeros = string.Concat(Enumerable.Repeat("00", 32));
        var transport = new ScriptedTransport(Hex($"800100000060 00000000 00000014 00000001 000b03810000 00000002 0020{zeros} 0020{zeros}"));
        var values = new TpmClient(transport).PcrRead(PcrSelection.Parse("sha256:0,7"));
        Assert.That(transport.Commands.Single(), Is.EqualTo(Hex("8001000000140000017e00000001000b03810000")));
        Assert.That(values.Get(TpmAlgId.Sha256, 7), Is.EqualTo(new byte[32]));
    }

    [Test]
    public void QuoteIsMarshalledExactly()
    {
        var transport = new ScriptedTransport(Hex("8001000000 0a 00000101"));
        var e = Assert.Throws<TpmErrorException>(() =>
            new TpmClient(transport).Quote(0x80000000, Hex("00112233445566778899aabbccddeeff"), PcrSelection.Parse("sha256:0,7")));
        Assert.That(transport.Commands.Single(), Is.EqualTo(Hex(
            "800200000039 00000158 80000000 00000009 40000009 0000 01 0000 0010 00112233445566778899aabbccddeeff 0010 00000001 000b03810000")));
        Assert.That(e!.Message, Is.EqualTo("TPM2_Quote failed: TPM_RC_FAILURE [0x101]"));
    }

    [Test]
    public void DefaultEkTemplateMatchesTheTcgTemplate()
    {
        var published = File.ReadAllBytes(Path.Combine(RepoPaths.SharedTestData, "tpm-eventlogs", "ek-template-default.bin"));
        Assert.That(TpmTemplates.EkRsa2048().ToBytes(), Is.EqualTo(published));
        Assert.That(TpmtPublic.Parse(published).ToBytes(), Is.EqualTo(published));
    }

    [Test]
    public void AkTemplatesMatchTheCapturedOnes()
    {
        Assert.That(TpmTemplates.AkRsa().ToBytes(), Is.EqualTo(Hex("0001 000b 00050472 0000 0010 0014 000b 0800 00000000 0000")));
        Assert.That(TpmTemplates.AkEcc().ToBytes(), Is.EqualTo(Hex("0023 000b 00050472 0000 0010 0018 000b 0003 0010 0000 0000")));
    }

    [Test]
    public void StartupWhenAlreadyStartedIsSuccess()
    {
        var transport = new ScriptedTransport(Hex("80010000000a00000100"));
        new TpmClient(transport).Startup();
        Assert.That(transport.Commands.Single(), Is.EqualTo(Hex("80010000000c000001440000")));
    }

    [Test]
    public void UninitialisedTpmIsStartedAndTheCommandRetried()
    {
        var transport = new ScriptedTransport(Hex("80010000000a00000100"), Hex("80010000000a00000000"),
            Hex("80010000000e000000000002abcd"));
        Assert.That(new TpmClient(transport).GetRandom(2), Is.EqualTo(Hex("abcd")));
        Assert.That(transport.Commands.Select(Convert.ToHexStringLower),
            Is.EqualTo(new[] { "80010000000c0000017b0002", "80010000000c000001440000", "80010000000c0000017b0002" }));
    }

    [TestCase("8001000000", "offset 5: response truncated inside the 10-byte header")]
    [TestCase("80010000001c000000000010 0011", "offset 14: response truncated: header announces 28 bytes")]
    [TestCase("80010000000e000000000002 abcd ff", "offset 14: 1 bytes beyond the announced responseSize 14")]
    [TestCase("80010100000c000000000002 abcd", "offset 2: responseSize 16777228 is outside 10…65536")]
    [TestCase("80010000000200000000", "offset 2: responseSize 2 is outside 10…65536")]
    [TestCase("12340000000c000000000002 abcd", "offset 0: response tag 0x1234 is not TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS")]
    [TestCase("80020000000e000000000002 abcd", "offset 0: TPM2_GetRandom response tag 0x8002, expected 0x8001")]
    [TestCase("80010000000e000000000008 abcd", "offset 10: randomBytes size 8 exceeds the maximum 2")]
    [TestCase("80010000000d000000000002 ab", "offset 12: randomBytes needs 2 bytes but only 1 remain")]
    public void MalformedResponsesAreRejectedPrecisely(string response, string message)
    {
        var transport = new ScriptedTransport(Hex(response));
        var client = new TpmClient(transport);
        var e = Assert.Throws<TpmFormatException>(() => client.GetRandom(2));
        Assert.That(e!.Message, Is.EqualTo(message));
    }

    [Test]
    public void SessionResponseWithAnOversizedParameterSizeIsRejected()
    {
        var transport = new ScriptedTransport(Hex("800200000013 00000000 000000ff 0000 01 0000"));
        var e = Assert.Throws<TpmFormatException>(() => new TpmClient(transport).PolicySecret(TpmRh.Endorsement, 0x03000000));
        Assert.That(e!.Message, Is.EqualTo("offset 10: parameterSize 255 exceeds the 5 bytes left"));
    }

    [Test]
    public void PcrReadThatReturnsNothingIsAnErrorNotALoop()
    {
        var transport = new ScriptedTransport(Hex("80010000001c 00000000 00000014 00000001 000c03000000 00000000"));
        var e = Assert.Throws<TpmFormatException>(() => new TpmClient(transport).PcrRead(PcrSelection.Parse("sha384:0")));
        Assert.That(e!.Message, Does.Contain("returned none of sha384:0"));
    }

    // --- the TCP transport against a hostile server -----------------------------------------------------------------

    private static (int Port, Task Server) Serve(byte[] reply)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[64];
            _ = await stream.ReadAsync(buffer);
            await stream.WriteAsync(reply);
            client.Client.Shutdown(SocketShutdown.Send);
            listener.Stop();
        });
        return (port, server);
    }

    [TestCase("80010000001c0000000000100011", "offset 14: response truncated: header announces 28 bytes")]
    [TestCase("800100", "offset 3: response truncated inside the 10-byte header")]
    [TestCase("8001ffffffff00000000", "offset 2: responseSize 4294967295 is outside 10…65536")]
    [TestCase("00000008000000000c80", "offset 0: response tag 0x0000 is not TPM_ST_NO_SESSIONS or TPM_ST_SESSIONS")]
    public void TcpTransportRejectsBadFramesBeforeAllocating(string reply, string message)
    {
        var (port, server) = Serve(Convert.FromHexString(reply));
        using var transport = new SwtpmTcpTransport("127.0.0.1", port);
        var e = Assert.Throws<TpmFormatException>(() => transport.Transceive(Convert.FromHexString("80010000000c0000017b0010")));
        Assert.That(e!.Message, Is.EqualTo(message));
        Assert.That(server.Wait(TimeSpan.FromSeconds(10)));
    }
}
