namespace WeightGuard.Core.Evidence;

/// <summary>The SSH server's effective configuration, resolved as sshd reads it, and the keys that let people in.</summary>
public sealed record SshEvidence
{
    /// <summary>An OpenSSH server is installed (its configuration or binary exists).</summary>
    public required bool Installed { get; init; }
    /// <summary>Configuration files read, in the order sshd reads them.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
    /// <summary>Effective global values of the security-relevant keywords (first value wins; <c>default</c> where unset).</summary>
    public IReadOnlyList<SshSetting> Settings { get; init; } = [];
    /// <summary>Match blocks that change a security-relevant keyword for some connections.</summary>
    public IReadOnlyList<SshMatchBlock> MatchBlocks { get; init; } = [];
    /// <summary>authorized_keys files of root, of the accounts that can read weights and of root-equivalent accounts.</summary>
    public IReadOnlyList<AuthorizedKeysFile> AuthorizedKeys { get; init; } = [];
    /// <summary>Why the configuration could not be resolved (sshd would refuse it too), or null.</summary>
    public string? ConfigError { get; init; }
    /// <summary>Paths that could not be read.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
}

/// <summary>One sshd keyword and its value.</summary>
/// <param name="Keyword">Keyword in canonical case, e.g. <c>PermitRootLogin</c>.</param>
/// <param name="Value">The value, lower-cased for yes/no keywords.</param>
/// <param name="Source"><c>file:line</c>, or <c>default</c> for sshd's built-in value.</param>
public sealed record SshSetting(string Keyword, string Value, string Source);

/// <summary>A <c>Match</c> block and the security-relevant values it sets.</summary>
/// <param name="Criteria">The criteria as written, e.g. <c>User backup Address 10.0.0.0/8</c>.</param>
/// <param name="Source"><c>file:line</c> of the Match line.</param>
/// <param name="Settings">Values set inside the block.</param>
public sealed record SshMatchBlock(string Criteria, string Source, IReadOnlyList<SshSetting> Settings);

/// <summary>An authorized_keys file: how many keys and of which types, never the keys themselves.</summary>
/// <param name="Account">The account it lets in.</param>
/// <param name="Path">The host path.</param>
/// <param name="Keys">Number of keys.</param>
/// <param name="KeyTypes">Distinct key types, e.g. <c>ssh-ed25519</c>.</param>
/// <param name="Restricted">Keys carrying <c>command=</c>, <c>from=</c> or <c>restrict</c> options.</param>
public sealed record AuthorizedKeysFile(string Account, string Path, int Keys, IReadOnlyList<string> KeyTypes, int Restricted);
