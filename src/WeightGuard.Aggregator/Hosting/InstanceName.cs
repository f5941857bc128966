using System.Text.RegularExpressions;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// The name of one aggregator instance among several on one database (<c>serve --instance-name</c>): every log line
/// written while it handles a request carries it as a scope, and every response names it in
/// <see cref="Header"/>, so that an operator (or a test) behind a load balancer sees which instance answered.
/// </summary>
public static partial class InstanceName
{
    /// <summary>The response header naming the instance that answered.</summary>
    public const string Header = "X-WeightGuard-Instance";

    /// <summary>This machine's name when it is a valid instance name, else <c>aggregator</c>.</summary>
    public static string Default { get; } = Problem(Environment.MachineName) is null ? Environment.MachineName : "aggregator";

    /// <summary>Why <paramref name="name"/> cannot name an instance (1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit), or null.</summary>
    public static string? Problem(string name) => Valid().IsMatch(name) ? null
        : $"instance name '{(name.Length > 63 ? name[..63] + "…" : name)}' must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>Names the instance on every response and in the log scope of every request.</summary>
    public static void UseInstanceName(this WebApplication app, string name)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WeightGuard.Aggregator");
        app.Lifetime.ApplicationStarted.Register(() =>
            log.LogInformation("instance {Instance} serving on {Urls}", name, string.Join(", ", AggregatorApp.Addresses(app))));
        app.Use(async (http, next) =>
        {
            http.Response.Headers[Header] = name;
            using (log.BeginScope("instance {Instance}", name)) await next(http);
        });
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex Valid();
}
