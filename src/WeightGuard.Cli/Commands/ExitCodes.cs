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
}
