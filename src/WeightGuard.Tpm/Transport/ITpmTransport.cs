namespace WeightGuard.Tpm.Transport;

/// <summary>Carries one marshalled TPM command to a TPM and brings back its whole response.</summary>
public interface ITpmTransport : IDisposable
{
    /// <summary>A short description of where the TPM is (<c>device:/dev/tpmrm0</c>, <c>swtpm:127.0.0.1:2321</c>).</summary>
    string Description { get; }

    /// <summary>Sends <paramref name="command"/> and returns the complete response (header included).</summary>
    /// <exception cref="TpmUnavailableException">The TPM cannot be reached.</exception>
    /// <exception cref="TpmFormatException">The response is truncated, oversized or its header is malformed.</exception>
    byte[] Transceive(byte[] command);
}
