namespace WeightGuard.Agent.Enrollment;

/// <summary>Where the identity lives under the state directory (<c>STATE/identity/</c>).</summary>
/// <param name="StateDirectory">The agent's state directory.</param>
public sealed record IdentityFiles(string StateDirectory)
{
    /// <summary>The identity directory (owner-only).</summary>
    public string Directory => Path.Combine(StateDirectory, "identity");
    /// <summary>The client key, PKCS#8 PEM, 0600.</summary>
    public string Key => Path.Combine(Directory, "client.key");
    /// <summary>The client certificate, PEM.</summary>
    public string Certificate => Path.Combine(Directory, "client.crt");
    /// <summary>The aggregator CA certificate, PEM.</summary>
    public string CaCertificate => Path.Combine(Directory, "ca.crt");
    /// <summary>The agent's settings, JSON.</summary>
    public string Settings => Path.Combine(Directory, "agent.json");
}
