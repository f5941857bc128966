using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Weights on network storage cross the network encrypted: NFS with Kerberos privacy (<c>sec=krb5p</c>) or RPC-over-TLS
/// (<c>xprtsec=tls|mtls</c>); SMB with sealing (<c>seal</c>); Ceph in secure messenger mode (<c>ms_mode=secure</c>); 9p
/// only over a VM's virtio transport. An iSCSI session carries blocks in the clear (header and data digests are
/// checksums, not encryption) and fails unless its target is one the operator declares protected on the wire
/// (IPsec, or a dedicated link): the host's files cannot show IPsec policy.
/// </summary>
public sealed class WeightsEncryptedInTransitCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "weights-encrypted-in-transit";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("nfs-security", ParamType.StringList, ParamValue.Of(["krb5p"]), "NFS sec= flavours that encrypt (krb5 and krb5i only authenticate and sign)."),
        new("trusted-iscsi-targets", ParamType.StringList, ParamValue.Of(Array.Empty<string>()),
            "iSCSI target names (IQNs) the operator declares protected on the wire by IPsec or a dedicated link; the host cannot show it."),
        new("accepted-file-systems", ParamType.StringList, ParamValue.Of(["virtiofs"]),
            "File-system types whose traffic never leaves the machine (virtiofs shares memory with the hypervisor)."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Transit, "transit", out var transit) is { } missing) return missing;
        if (transit.Paths.Count == 0) return CheckOutcome.Pass("no weight path is on network storage", EvidencePointer.To("transit"));
        var nfs = context.List("nfs-security");
        var trusted = context.List("trusted-iscsi-targets");
        var accepted = context.List("accepted-file-systems");
        var bad = new List<(string Text, string Pointer)>();
        for (var i = 0; i < transit.Paths.Count; i++)
        {
            var p = transit.Paths[i];
            if (Unprotected(p, nfs, trusted, accepted) is { } why) bad.Add(($"{p.Path} ({p.Protocol} {p.Source}): {why}", EvidencePointer.To("transit", "paths", i)));
        }
        return bad.Count == 0
            ? CheckOutcome.Pass($"all {transit.Paths.Count} weight path(s) on network storage are encrypted on the wire", EvidencePointer.To("transit", "paths"))
            : CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => b.Text).ToList()), bad.Select(b => b.Pointer));
    }

    /// <summary>Why the path's traffic is not shown to be encrypted, or null when it is.</summary>
    private static string? Unprotected(NetworkStoragePath p, IReadOnlyList<string> nfs, IReadOnlyList<string> trusted, IReadOnlyList<string> accepted)
    {
        string? Option(string name) => p.Options.GetValueOrDefault(name);
        return p.Protocol switch
        {
            _ when accepted.Contains(p.Protocol) => null,
            "nfs" => Option("xprtsec") is "tls" or "mtls" || (Option("sec") is { } sec && nfs.Contains(sec)) ? null
                : $"sec={Option("sec") ?? "sys"} sends file contents in the clear (mount with sec=krb5p or xprtsec=tls)",
            "smb" => Option("seal") is not null ? null : "mounted without seal: SMB3 encryption is off",
            "ceph" => Option("ms_mode") == "secure" ? null : $"ms_mode={Option("ms_mode") ?? "legacy"} does not encrypt (mount with ms_mode=secure)",
            "9p" => Option("trans") == "virtio" ? null : $"9p over trans={Option("trans") ?? "unknown"} crosses a network unencrypted",
            "iscsi" => trusted.Contains(p.Source) ? null
                : "iSCSI carries blocks unencrypted (digests are checksums); protect it with IPsec and list the target in trusted-iscsi-targets",
            _ => $"{p.Protocol} has no encryption on the wire that this host can show",
        };
    }
}
