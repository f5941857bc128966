namespace WeightGuard.Cli.Commands;

/// <summary>Exit codes shared by every command.</summary>
internal static class ExitCodes
{
    /// <summary>Ran, and everything required passed.</summary>
    public const int Ok = 0;
    /// <summary>Ran, and something required failed (or could not be judged).</summary>
    public const int Failed = 1;
    /// <summary>Usage, configuration or input error.</summary>
    public const int BadInput = 2;
    /// <summary>An internal error: a bug in WeightGuard, not a problem with the input (one line on standard error; <c>--verbose</c> adds the stack trace).</summary>
    public const int InternalError = 3;
}
