namespace WeightGuard.Tpm;

/// <summary>A TPM structure or response is malformed: truncated, oversized, a wrong tag or an unexpected value.</summary>
/// <param name="message">What is wrong, with the byte offset where it was found.</param>
public sealed class TpmFormatException(string message) : Exception(message);

/// <summary>The TPM answered a command with a non-zero response code.</summary>
public sealed class TpmErrorException : Exception
{
    /// <summary>Creates the exception for <paramref name="command"/> failing with <paramref name="responseCode"/>.</summary>
    /// <param name="command">The command that failed.</param>
    /// <param name="responseCode">The TPM_RC value the TPM returned.</param>
    public TpmErrorException(TpmCc command, uint responseCode)
        : base($"TPM2_{command} failed: {TpmResponseCode.Describe(responseCode)}")
    {
        Command = command;
        ResponseCode = responseCode;
    }

    /// <summary>The command that failed.</summary>
    public TpmCc Command { get; }

    /// <summary>The raw TPM_RC value.</summary>
    public uint ResponseCode { get; }

    /// <summary>The error with the handle/parameter/session number stripped (e.g. 0x18B → TPM_RC_HANDLE).</summary>
    public uint BaseCode => TpmResponseCode.BaseCode(ResponseCode);
}

/// <summary>The TPM cannot be reached: no device, the simulator refused the connection, or TBS failed.</summary>
/// <param name="message">What could not be reached and why.</param>
/// <param name="inner">The underlying I/O error, if any.</param>
public sealed class TpmUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
