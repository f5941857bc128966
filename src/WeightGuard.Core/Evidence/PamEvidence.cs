namespace WeightGuard.Core.Evidence;

/// <summary>The authentication stacks of the PAM services administrators sign in through (sshd, sudo, login, su), includes resolved.</summary>
public sealed record PamEvidence
{
    /// <summary>One stack per service found under <c>/etc/pam.d</c>.</summary>
    public IReadOnlyList<PamStack> Stacks { get; init; } = [];
    /// <summary>Files that could not be read, or includes too deep to follow.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
}

/// <summary>A service's <c>auth</c> lines in the order PAM runs them.</summary>
/// <param name="Service">The service, e.g. <c>sshd</c>.</param>
/// <param name="Auth">Its auth modules.</param>
public sealed record PamStack(string Service, IReadOnlyList<PamModule> Auth);

/// <summary>One <c>auth</c> line.</summary>
/// <param name="Control">required, requisite, sufficient, optional or a bracketed expression.</param>
/// <param name="Module">The module file name, e.g. <c>pam_u2f.so</c>.</param>
/// <param name="Source"><c>file:line</c>.</param>
public sealed record PamModule(string Control, string Module, string Source);
