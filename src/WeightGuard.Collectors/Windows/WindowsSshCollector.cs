using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Ssh;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// The Windows OpenSSH server's effective configuration (<c>%ProgramData%\ssh\sshd_config</c>), read by the same parser
/// as on Linux, and <c>administrators_authorized_keys</c>, which lets in every member of Administrators under the
/// default configuration. Paths in the evidence are relative to <c>%ProgramData%</c>. Per-user authorized_keys are not read.
/// </summary>
public static class WindowsSshCollector
{
    private const string Config = "/ssh/sshd_config";
    private const string AdministratorKeys = "/ssh/administrators_authorized_keys";

    /// <summary>Collects SSH evidence.</summary>
    /// <param name="programData">The <c>%ProgramData%</c> directory.</param>
    /// <param name="sshdExe">Where the OpenSSH server binary is installed (<c>%SystemRoot%\System32\OpenSSH\sshd.exe</c>).</param>
    public static SshEvidence Collect(string programData, string sshdExe)
    {
        var root = new HostRoot(programData);
        if (!File.Exists(root.Resolve(Config)) && !File.Exists(sshdExe)) return new SshEvidence { Installed = false };
        var budget = new ConfigFileBudget(root);
        var errors = new List<PathError>();
        var (config, configError) = SshCollector.ReadConfig(budget, Config, errors);
        var keys = new List<AuthorizedKeysFile>();
        try
        {
            if (root.ReadText(AdministratorKeys, InputKind.AuthorizedKeys) is { } text)
            {
                var summary = AuthorizedKeysParser.Parse(text, AdministratorKeys);
                keys.Add(new AuthorizedKeysFile("Administrators", AdministratorKeys, summary.Keys, summary.KeyTypes, summary.Restricted));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            errors.Add(new PathError(AdministratorKeys, e is UnauthorizedAccessException ? "permission denied" : e.Message));
        }
        return new SshEvidence
        {
            Installed = true, Files = budget.Files, Settings = config?.Settings ?? [], MatchBlocks = config?.MatchBlocks ?? [],
            AuthorizedKeys = keys, ConfigError = configError, Errors = errors,
        };
    }
}
