using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using WeightGuard.Core;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// Reads the <c>alerts</c> section of <c>aggregator.json</c>. Every problem is reported, one line each, naming the
/// file and the setting, before the aggregator starts: a bad URL, a plain-HTTP webhook to another machine, a secret file
/// that is missing, empty or readable by everyone, an unknown key (a typo would otherwise silence a sink).
/// </summary>
public static class AlertSettingsLoader
{
    private const int MinSecretBytes = 16;
    private const int MaxQueue = 100_000;
    private const int MaxAttempts = 20;
    private const int MinMessage = 1024;
    private const int MaxMessage = 65_507;

    /// <summary>The settings in <paramref name="settingsFile"/> (no <c>alerts</c> section: <see cref="AlertSettings.None"/>), or the problems.</summary>
    public static (AlertSettings? Settings, IReadOnlyList<string> Errors) Load(string settingsFile)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(BoundedFile.ReadText(settingsFile, InputKind.ConfigFile)); }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return (null, [$"{settingsFile}: {e.Message}"]);
        }
        return Parse(root?["alerts"], settingsFile);
    }

    /// <summary>The settings in an <c>alerts</c> object (null: <see cref="AlertSettings.None"/>); <paramref name="file"/> names it in messages.</summary>
    public static (AlertSettings? Settings, IReadOnlyList<string> Errors) Parse(JsonNode? alerts, string file)
    {
        if (alerts is null) return (AlertSettings.None, []);
        var errors = new List<string>();
        var reader = new Reader(file, errors);
        if (reader.Object(alerts, "alerts", ["instance", "sweepInterval", "retention", "webhooks", "syslog"]) is not { } section) return (null, errors);
        var settings = new AlertSettings
        {
            Instance = reader.Name(section, "alerts.instance", "instance", AlertSettings.DefaultInstance()),
            SweepInterval = reader.Duration(section, "alerts.sweepInterval", "sweepInterval", AlertSettings.None.SweepInterval),
            Retention = reader.Duration(section, "alerts.retention", "retention", AlertSettings.None.Retention),
            Webhooks = reader.List(section, "webhooks", (node, at) => Webhook(reader, node, at)),
            Syslog = reader.List(section, "syslog", (node, at) => Syslog(reader, node, at)),
        };
        foreach (var name in settings.Webhooks.Select(w => w.Name).Concat(settings.Syslog.Select(s => s.Name)).GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
            errors.Add($"{file}: alerts: the sink name '{name.Key}' is used more than once; each sink needs its own");
        return errors.Count > 0 ? (null, errors) : (settings, errors);
    }

    private static WebhookSettings? Webhook(Reader reader, JsonNode node, string at)
    {
        if (reader.Object(node, at, ["name", "url", "secretFile", "minSeverity", "queueCapacity", "attempts", "initialDelay", "maxDelay", "timeout"]) is not { } o)
            return null;
        var name = reader.Name(o, $"{at}.name", "name", null);
        var url = Url(reader, o, $"{at}.url");
        var secret = Secret(reader, o, $"{at}.secretFile");
        var defaults = new WebhookSettings { Name = "-", Url = new Uri("https://localhost"), Secret = [] };
        var settings = new WebhookSettings
        {
            Name = name, Url = url!, Secret = secret!,
            MinimumSeverity = reader.Severity(o, $"{at}.minSeverity"), QueueCapacity = reader.Integer(o, $"{at}.queueCapacity", "queueCapacity", defaults.QueueCapacity, 1, MaxQueue),
            Attempts = reader.Integer(o, $"{at}.attempts", "attempts", defaults.Attempts, 1, MaxAttempts),
            InitialDelay = reader.Duration(o, $"{at}.initialDelay", "initialDelay", defaults.InitialDelay),
            MaxDelay = reader.Duration(o, $"{at}.maxDelay", "maxDelay", defaults.MaxDelay),
            Timeout = reader.Duration(o, $"{at}.timeout", "timeout", defaults.Timeout),
        };
        return url is null || secret is null ? null : settings;
    }

    private static Uri? Url(Reader reader, JsonObject o, string at)
    {
        if (reader.Text(o, at, "url", required: true) is not { } text) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Host.Length == 0)
            return reader.Fail<Uri>($"{at}: '{text}' is not an http(s) URL");
        if (url.UserInfo.Length > 0) return reader.Fail<Uri>($"{at}: a URL must not carry a user name or password (it would be logged); the HMAC signature authenticates the aggregator");
        if (url.Scheme == "http" && !IsLoopback(url.Host))
            return reader.Fail<Uri>($"{at}: '{url.Host}' is not a loopback address; webhooks to other machines must use https://");
        return url;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);

    private static byte[]? Secret(Reader reader, JsonObject o, string at)
    {
        if (reader.Text(o, at, "secretFile", required: true) is not { } written) return null;
        // A relative path is read beside aggregator.json, wherever serve was started from.
        var path = Path.GetFullPath(written, reader.Directory);
        byte[] bytes;
        try
        {
            if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & UnixFileMode.OtherRead) != 0)
                return reader.Fail<byte[]>($"{at}: {path} is readable by every user; make it readable by the aggregator only (chmod 600)");
            bytes = BoundedFile.ReadBytes(path, InputKind.SystemFile);
        }
        catch (FileNotFoundException) { return reader.Fail<byte[]>($"{at}: {path}: no such file"); }
        catch (DirectoryNotFoundException) { return reader.Fail<byte[]>($"{at}: {path}: no such file"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException) { return reader.Fail<byte[]>($"{at}: {e.Message}"); }
        // A secret written with echo ends in a newline that the receiver's copy may not have.
        var length = bytes.Length;
        while (length > 0 && bytes[length - 1] is (byte)'\n' or (byte)'\r') length--;
        return length >= MinSecretBytes ? bytes[..length]
            : reader.Fail<byte[]>($"{at}: {path} holds {length} byte(s); a webhook secret needs at least {MinSecretBytes} (e.g. openssl rand -hex 32)");
    }

    private static SyslogSettings? Syslog(Reader reader, JsonNode node, string at)
    {
        if (reader.Object(node, at, ["name", "transport", "address", "minSeverity", "queueCapacity", "facility", "maxLength"]) is not { } o) return null;
        var name = reader.Name(o, $"{at}.name", "name", null);
        var transportText = reader.Text(o, $"{at}.transport", "transport", required: true);
        SyslogTransport? transport = transportText switch { "udp" => SyslogTransport.Udp, "tcp" => SyslogTransport.Tcp, "unix" => SyslogTransport.Unix, null => null,
            _ => reader.Fail<SyslogTransport?>($"{at}.transport: '{transportText}' is none of udp, tcp, unix") };
        var address = reader.Text(o, $"{at}.address", "address", required: true);
        var facilityText = reader.Text(o, $"{at}.facility", "facility", required: false) ?? "local0";
        if (!SyslogFrame.Facilities.TryGetValue(facilityText, out var facility))
            reader.Fail<object>($"{at}.facility: '{facilityText}' is not a syslog facility ({string.Join(", ", SyslogFrame.Facilities.Keys)})");
        var settings = new SyslogSettings
        {
            Name = name, Transport = transport ?? SyslogTransport.Udp, Facility = facility,
            MinimumSeverity = reader.Severity(o, $"{at}.minSeverity"),
            QueueCapacity = reader.Integer(o, $"{at}.queueCapacity", "queueCapacity", 1000, 1, MaxQueue),
            MaxLength = reader.Integer(o, $"{at}.maxLength", "maxLength", 2048, MinMessage, MaxMessage),
        };
        if (transport is null || address is null) return null;
        if (transport == SyslogTransport.Unix)
            return Path.IsPathFullyQualified(address) ? settings with { SocketPath = address } : reader.Fail<SyslogSettings>($"{at}.address: a Unix socket is named by its absolute path, e.g. /dev/log");
        var colon = address.LastIndexOf(':');
        var host = colon > 0 ? address[..colon].Trim('[', ']') : "";
        if (colon <= 0 || host.Length == 0 || !int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535
            || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            return reader.Fail<SyslogSettings>($"{at}.address: '{address}' is not HOST:PORT (e.g. siem.example:514, [::1]:514)");
        return settings with { Host = host, Port = port };
    }

    /// <summary>Reads typed settings, collecting one line per problem.</summary>
    private sealed class Reader(string file, List<string> errors)
    {
        /// <summary>The directory of the settings file.</summary>
        public string Directory { get; } = Path.GetDirectoryName(Path.GetFullPath(file))!;

        public T? Fail<T>(string problem)
        {
            errors.Add($"{file}: {problem}");
            return default;
        }

        public JsonObject? Object(JsonNode node, string at, string[] known)
        {
            if (node is not JsonObject o) return Fail<JsonObject>($"{at}: expected an object");
            foreach (var key in o.Select(p => p.Key).Where(k => !known.Contains(k, StringComparer.Ordinal)))
                Fail<object>($"{at}: unknown setting '{key}' (known: {string.Join(", ", known)})");
            return o;
        }

        public IReadOnlyList<T> List<T>(JsonObject o, string key, Func<JsonNode, string, T?> read) where T : class
        {
            if (o[key] is null) return [];
            if (o[key] is not JsonArray array) return Fail<IReadOnlyList<T>>($"alerts.{key}: expected a list") ?? [];
            var items = new List<T>();
            for (var i = 0; i < array.Count; i++)
                if (array[i] is null) Fail<T>($"alerts.{key}[{i}]: null");
                else if (read(array[i]!, $"alerts.{key}[{i}]") is { } item) items.Add(item);
            return items;
        }

        public string? Text(JsonObject o, string at, string key, bool required)
        {
            var node = o[key];
            if (node is null) return required ? Fail<string>($"{at}: required") : null;
            return node is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0 ? text : Fail<string>($"{at}: expected a non-empty string");
        }

        public string Name(JsonObject o, string at, string key, string? fallback)
        {
            var text = Text(o, at, key, required: fallback is null);
            if (text is null) return fallback ?? "";
            return text.Length <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') ? text
                : Fail<string>($"{at}: '{Printable(text)}' must be 1 to 64 of A-Z a-z 0-9 . _ -") ?? "";
        }

        public TimeSpan Duration(JsonObject o, string at, string key, TimeSpan fallback)
        {
            if (Text(o, at, key, required: false) is not { } text) return fallback;
            try { return Durations.Parse(text); }
            catch (FormatException e) { Fail<object>($"{at}: {e.Message}"); return fallback; }
        }

        public int Integer(JsonObject o, string at, string key, int fallback, int min, int max)
        {
            var node = o[key];
            if (node is null) return fallback;
            return node is JsonValue v && v.TryGetValue<int>(out var n) && n >= min && n <= max ? n : Fail<int?>($"{at}: expected a whole number from {min} to {max}") ?? fallback;
        }

        public AlertSeverity Severity(JsonObject o, string at)
        {
            var text = Text(o, at, "minSeverity", required: false);
            if (text is null) return AlertSeverity.Warning;
            return AlertSeverities.Parse(text) ?? Fail<AlertSeverity?>($"{at}: '{Printable(text)}' is none of info, warning, error, critical") ?? AlertSeverity.Warning;
        }

        private static string Printable(string text) => new(text.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
