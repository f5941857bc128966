namespace WeightGuard.Collectors.Windows;

/// <summary>Where Windows evidence comes from: CIM, the registry and the ProgramData and System32 directories.</summary>
/// <param name="Cim">CIM queries.</param>
/// <param name="Registry">HKLM reads.</param>
/// <param name="ProgramData"><c>%ProgramData%</c>.</param>
/// <param name="System32"><c>%SystemRoot%\System32</c>.</param>
public sealed record WindowsSources(ICimQuery Cim, IRegistryReader Registry, string ProgramData, string System32)
{
    /// <summary>The sources of this host, or null when this is not Windows.</summary>
    public static WindowsSources? ForThisHost() => OperatingSystem.IsWindows()
        ? new WindowsSources(new CimQuery(), new WindowsRegistry(),
            Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), Environment.GetFolderPath(Environment.SpecialFolder.System))
        : null;

    /// <summary>The OpenSSH server binary's path.</summary>
    public string SshdExe => Path.Combine(System32, "OpenSSH", "sshd.exe");
}
