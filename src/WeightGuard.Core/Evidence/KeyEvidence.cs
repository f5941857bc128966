namespace WeightGuard.Core.Evidence;

/// <summary>Key material found with or beside the weights. Records what kind of key, never its bytes.</summary>
public sealed record KeyEvidence
{
    /// <summary>Key files found, sorted by path.</summary>
    public required IReadOnlyList<KeyFile> Files { get; init; }
    /// <summary>Paths that could not be read.</summary>
    public required IReadOnlyList<PathError> Errors { get; init; }
}

/// <summary>One key file.</summary>
public sealed record KeyFile
{
    /// <summary>The host path.</summary>
    public required string Path { get; init; }
    /// <summary><c>pem-private-key</c>, <c>pkcs8-encrypted</c>, <c>openssh-private-key</c>, <c>pkcs12</c>, <c>crypttab-key-file</c> or <c>named-key-file</c>.</summary>
    public required string Kind { get; init; }
    /// <summary><c>under-weights</c> (inside a weight path), <c>beside-weights</c> (next to one) or <c>crypttab</c>.</summary>
    public required string Location { get; init; }
    /// <summary>Permission bits in octal.</summary>
    public required string Mode { get; init; }
    /// <summary>Owner account name.</summary>
    public required string Owner { get; init; }
    /// <summary>Group name.</summary>
    public required string Group { get; init; }
}
