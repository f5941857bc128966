using System.Text.Json.Serialization;

namespace WeightGuard.Core.Evidence;

/// <summary>
/// Platform firmware security as fwupd reports it (<c>fwupdmgr security --json</c>): the Host Security ID attributes
/// and the devices whose installed firmware has published security issues. Null fields mean fwupd gave no answer.
/// </summary>
public sealed record FirmwareEvidence
{
    /// <summary>Whether fwupd is installed (<c>fwupdmgr</c> found); without it nothing else is known.</summary>
    public bool FwupdPresent { get; init; }
    /// <summary>How the report was had: <c>fwupdmgr</c> (run on this host) or <c>recorded</c> (a scanned tree's recording).</summary>
    public string? Source { get; init; }
    /// <summary>The HSI level the attributes reach (0-5), computed as fwupd does: the highest level whose attributes, and
    /// every lower level's, all succeed (obsoleted ones not counted). Null when fwupd gave no attributes.</summary>
    public int? HsiLevel { get; init; }
    /// <summary>Attributes that did not succeed, lowest level first.</summary>
    public IReadOnlyList<HsiAttribute> FailedAttributes { get; init; } = [];
    /// <summary>How many attributes fwupd reported.</summary>
    public int AttributeCount { get; init; }
    /// <summary>Devices whose installed firmware has known security issues (CVE ids), as fwupd lists them.</summary>
    public IReadOnlyList<FirmwareAdvisory> Advisories { get; init; } = [];
    /// <summary>Why fwupd's answer could not be had or read, or null.</summary>
    public string? Problem { get; init; }
}

/// <summary>One HSI attribute that did not succeed.</summary>
/// <param name="Id">Its AppStream id (<c>org.fwupd.hsi.Uefi.SecureBoot</c>).</param>
/// <param name="Level">The HSI level it belongs to (1-5; 0 for runtime attributes).</param>
/// <param name="Result">fwupd's result word (<c>not-enabled</c>, <c>not-locked</c>…), or null.</param>
public sealed record HsiAttribute(string Id, int Level, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Result);

/// <summary>A device whose installed firmware has published security issues.</summary>
/// <param name="Device">The device name.</param>
/// <param name="Version">The installed firmware version, or null.</param>
/// <param name="Issues">The issues (CVE ids) fwupd names.</param>
public sealed record FirmwareAdvisory(string Device, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Version, IReadOnlyList<string> Issues);
