namespace WeightGuard.Collectors.Disk;

/// <summary>A LUKS header that cannot be parsed: names the byte offset and what is wrong there.</summary>
public sealed class LuksFormatException : Exception
{
    /// <summary>Creates the exception for a problem at <paramref name="offset"/>.</summary>
    public LuksFormatException(long offset, string problem) : base($"offset {offset}: {problem}")
    {
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Byte offset in the device or file where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the offset.</summary>
    public string Problem { get; }
}
