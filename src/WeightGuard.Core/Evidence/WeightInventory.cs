namespace WeightGuard.Core.Evidence;

/// <summary>Weight files found under the configured weight paths.</summary>
public sealed record WeightInventory
{
    /// <summary>Each configured weight path and what became of it.</summary>
    public required IReadOnlyList<WeightRoot> Roots { get; init; }
    /// <summary>Files recognised as weights by extension and content, sorted by path.</summary>
    public required IReadOnlyList<WeightFile> Files { get; init; }
    /// <summary>Files whose name says weights but whose content does not.</summary>
    public required IReadOnlyList<MismatchedFile> Mismatched { get; init; }
    /// <summary>Entries that could not be read.</summary>
    public required IReadOnlyList<PathError> Errors { get; init; }
    /// <summary>File-system entries visited.</summary>
    public required long EntriesVisited { get; init; }
    /// <summary>True when the walk stopped at its entry limit before the end.</summary>
    public required bool Truncated { get; init; }
}

/// <summary>A configured weight path.</summary>
/// <param name="Path">The host path.</param>
/// <param name="Status"><c>scanned</c>, <c>missing</c> or <c>unreadable</c>.</param>
/// <param name="Reason">Why it was not scanned, or null.</param>
public sealed record WeightRoot(string Path, string Status, string? Reason = null);

/// <summary>One file holding model weights.</summary>
public sealed record WeightFile
{
    /// <summary>The path as found under the weight root.</summary>
    public required string Path { get; init; }
    /// <summary>The file the path resolves to when it is a symbolic link (Hugging Face snapshots point into blobs).</summary>
    public string? Target { get; init; }
    /// <summary>safetensors, gguf, pytorch-zip, pytorch-pickle, onnx, hdf5, keras, tf-savedmodel, tf-variables, numpy.</summary>
    public required string Format { get; init; }
    /// <summary>Size in bytes.</summary>
    public required long Size { get; init; }
    /// <summary>The Hugging Face repository (<c>org/name</c>) when the file sits in a hub cache.</summary>
    public string? HuggingFaceRepo { get; init; }
    /// <summary>The SHA-256 of the content as lower-case hex (what <c>sha256sum</c> prints), when hashing was asked for and the file could be read.</summary>
    public string? Sha256 { get; init; }
}

/// <summary>A file whose extension names a weight format but whose content is something else.</summary>
/// <param name="Path">The host path.</param>
/// <param name="Reason">What was expected and what was found.</param>
public sealed record MismatchedFile(string Path, string Reason);
