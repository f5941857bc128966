using System.Globalization;
using System.Text.RegularExpressions;

namespace WeightGuard.Collectors.Platform.Sudo;

/// <summary>The value syntaxes sudo checks while parsing sudoers: durations, dates, digests, Defaults values.</summary>
internal static partial class SudoValues
{
    private static readonly string[] Facilities =
    [
        "authpriv", "auth", "daemon", "user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
        "cron", "kern", "lpr", "mail", "news", "syslog", "uucp", "ftp", "security",
    ];
    private static readonly string[] Priorities = ["alert", "crit", "debug", "emerg", "err", "info", "notice", "warning", "none"];

    /// <summary>
    /// sudo's duration: seconds, or each of <c>d h m s</c> at most once and in that order (any case), e.g. <c>7d4h10m30s</c>.
    /// </summary>
    public static bool IsTimeout(string value) => Timeout().IsMatch(value) && value.Length > 0;

    /// <summary>A generalized time as NOTBEFORE/NOTAFTER take it: <c>YYYYMMDDHH[MM[SS]][.f|,f][Z|±HHMM]</c>.</summary>
    public static bool IsGeneralizedTime(string value) => GeneralizedTime().IsMatch(value);

    /// <summary>A digest of the algorithm's length, hex or base64.</summary>
    public static bool IsDigest(string algorithm, string value)
    {
        var bytes = algorithm switch { "sha224" => 28, "sha256" => 32, "sha384" => 48, "sha512" => 64, _ => 0 };
        if (value.Length == bytes * 2 && value.All(char.IsAsciiHexDigit)) return true;
        var padded = value.Length % 4 == 0 ? value : value + new string('=', 4 - value.Length % 4);
        var decoded = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, decoded, out var n) && n == bytes;
    }

    /// <summary>Why <paramref name="value"/> does not fit the Defaults entry <paramref name="name"/>, or null.</summary>
    /// <param name="name">The entry.</param>
    /// <param name="type">Its type.</param>
    /// <param name="op">'=', '+' or '-' for a value; '\0' for a bare or negated entry.</param>
    /// <param name="negated">Whether written <c>!name</c>.</param>
    /// <param name="value">The value, when there is one.</param>
    public static string? DefaultsProblem(string name, SudoDefault type, char op, bool negated, string? value)
    {
        if (negated && value is not null) return $"value given for negated defaults entry \"{name}\"";
        if (type.Type == SudoDefaultType.Flag) return value is null ? null : $"option \"{name}\" does not take a value";
        if (value is null) return negated || type.Negatable ? null : $"no value specified for \"{name}\"";
        if (negated && !type.Negatable) return $"\"{name}\" may not be negated";
        if (op != '=' && type.Type != SudoDefaultType.List) return $"\"{name}\" is not a list: only '=' sets it";
        var valid = type.Type switch
        {
            SudoDefaultType.Integer => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            SudoDefaultType.Unsigned => uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            SudoDefaultType.Facility => Facilities.Contains(value),
            SudoDefaultType.Priority => Priorities.Contains(value),
            SudoDefaultType.Tuple => type.Values.Contains(value),
            SudoDefaultType.Mode => value.Length > 0 && value.All(c => c is >= '0' and <= '7') && Convert.ToInt32(value, 8) <= 0777,
            SudoDefaultType.Timeout => IsTimeout(value),
            SudoDefaultType.Minutes => double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _),
            SudoDefaultType.ResourceLimit => value.Split(',') is { Length: <= 2 } limits && limits.All(IsResourceLimit),
            _ => true,
        };
        if (!valid) return $"value \"{value}\" is invalid for option \"{name}\"";
        return type.Path switch
        {
            SudoPath.Absolute when !value.StartsWith('/') => $"values for \"{name}\" must start with a '/'",
            SudoPath.Directory when !(value.StartsWith('/') || value.StartsWith('~') || value == "*") => $"values for \"{name}\" must start with a '/', '~', or '*'",
            _ => null,
        };
    }

    private static bool IsResourceLimit(string limit) => limit is "infinity" or "default" or "user"
        || ulong.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    [GeneratedRegex("^([0-9]+|([0-9]+[dD])?([0-9]+[hH])?([0-9]+[mM])?([0-9]+[sS])?)$")]
    private static partial Regex Timeout();

    [GeneratedRegex(@"^[0-9]{10}([0-9]{2}([0-9]{2})?)?([.,][0-9]+)?(Z|[+-][0-9]{4})?$")]
    private static partial Regex GeneralizedTime();
}
