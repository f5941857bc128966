using WeightGuard.Collectors.Access;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.Ssh;

/// <summary>Collects the effective sshd configuration and the authorized_keys of root and of the accounts it is given (those that can read weights, and administrators).</summary>
/// <param name="root">The host root.</param>
/// <param name="accounts">The host's accounts (for home directories).</param>
public sealed class SshCollector(HostRoot root, AccountDatabase accounts)
{
    private const string MainConfig = "/etc/ssh/sshd_config";
    private static readonly string[] Binaries = ["/usr/sbin/sshd", "/usr/bin/sshd", "/sbin/sshd"];

    /// <summary>Collects SSH evidence for <paramref name="keyAccounts"/> (root is always included).</summary>
    public SshEvidence Collect(IEnumerable<string> keyAccounts)
    {
        var installed = File.Exists(root.Resolve(MainConfig)) || Binaries.Any(b => File.Exists(root.Resolve(b)));
        if (!installed) return new SshEvidence { Installed = false };
        var errors = new List<PathError>();
        var budget = new ConfigFileBudget(root);
        var (config, configError) = ReadConfig(budget, MainConfig, errors);
        var keyFiles = config is null ? [] : AuthorizedKeys(config.Value("AuthorizedKeysFile"), keyAccounts.Prepend("root").Distinct(StringComparer.Ordinal), errors);
        return new SshEvidence
        {
            Installed = true,
            Files = budget.Files,
            Settings = config?.Settings ?? [],
            MatchBlocks = config?.MatchBlocks ?? [],
            AuthorizedKeys = keyFiles,
            ConfigError = configError,
            Errors = errors,
        };
    }

    /// <summary>
    /// Resolves the server configuration from <paramref name="mainFile"/>: a configuration sshd would refuse gives the
    /// reason as its error, a file that may not be read adds to <paramref name="errors"/>.
    /// </summary>
    public static (SshdConfig? Config, string? ConfigError) ReadConfig(ConfigFileBudget budget, string mainFile, List<PathError> errors)
    {
        try
        {
            return (new SshdConfigParser(budget).Parse(mainFile), null);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            return (null, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            errors.Add(new PathError(mainFile, "permission denied: " + e.Message));
            return (null, null);
        }
    }

    private List<AuthorizedKeysFile> AuthorizedKeys(string setting, IEnumerable<string> names, List<PathError> errors)
    {
        var found = new List<AuthorizedKeysFile>();
        foreach (var account in names.Select(accounts.ByName).OfType<Account>())
        {
            foreach (var pattern in setting.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "none"))
            {
                var path = Expand(pattern, account);
                if (!path.StartsWith('/'))
                {
                    // passwd gave a relative home directory: there is no host path to read (sshd would look relative to its own working directory).
                    errors.Add(new PathError(path, $"not an absolute path: the home directory of {account.Name} in /etc/passwd is '{account.Home}'"));
                    continue;
                }
                try
                {
                    if (root.ReadText(path, InputKind.AuthorizedKeys) is not { } text) continue;
                    var summary = AuthorizedKeysParser.Parse(text, path);
                    found.Add(new AuthorizedKeysFile(account.Name, path, summary.Keys, summary.KeyTypes, summary.Restricted));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    errors.Add(new PathError(path, e is UnauthorizedAccessException ? "permission denied" : e.Message));
                }
            }
        }
        return found;
    }

    /// <summary>Expands sshd's <c>%h</c>, <c>%u</c>, <c>%U</c> and <c>%%</c>; a relative path is relative to the home directory.</summary>
    public static string Expand(string pattern, Account account)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] != '%' || i + 1 == pattern.Length) { text.Append(pattern[i]); continue; }
            text.Append(pattern[++i] switch
            {
                'h' => account.Home.TrimEnd('/'),
                'u' => account.Name,
                'U' => account.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                '%' => "%",
                var other => "%" + other,
            });
        }
        var path = text.ToString();
        return path.StartsWith('/') ? path : account.Home.TrimEnd('/') + "/" + path;
    }
}
