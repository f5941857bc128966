using WeightGuard.Tpm.Transport;

namespace WeightGuard.Tpm.Tests;

/// <summary>A transport that records the commands it is given and answers with prepared bytes, in order.</summary>
internal sealed class ScriptedTransport(params byte[][] responses) : ITpmTransport
{
    private readonly Queue<byte[]> _responses = new(responses);

    public List<byte[]> Commands { get; } = [];

    public string Description => "scripted";

    public byte[] Transceive(byte[] command)
    {
        Commands.Add(command);
        return _responses.Dequeue();
    }

    public void Dispose() { }
}
