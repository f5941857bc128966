using System.Security.Cryptography;
using System.Text;
using WeightGuard.Tpm.Marshalling;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Tpm;

/// <summary>
/// TPM 2.0 commands (Library spec part 3) marshalled by hand and sent through an <see cref="ITpmTransport"/>.
/// Authorization uses the empty-password session (TPM_RS_PW) and, for the EK, a policy session.
/// </summary>
/// <param name="transport">Where commands go. The client does not own it.</param>
public sealed class TpmClient(ITpmTransport transport)
{
    /// <summary>TPM_SE_POLICY.</summary>
    private const byte SessionTypePolicy = 0x01;

    /// <summary>TPMA_SESSION continueSession: sessions are flushed explicitly so a failed command leaks nothing.</summary>
    private const byte ContinueSession = 0x01;

    private const int MaxNameSize = 2 + 64;
    private const int MaxDigestSize = 64;

    /// <summary>NV indices where the TCG EK Credential Profile puts EK certificates, with the key each is for.</summary>
    public static readonly IReadOnlyList<(uint Index, string KeyType)> EkCertificateIndices =
    [
        (0x01C00002, "rsa2048"), (0x01C0000A, "ecc-nist-p256"), (0x01C00012, "rsa2048"), (0x01C00014, "ecc-nist-p256"),
        (0x01C00016, "ecc-nist-p384"), (0x01C00018, "ecc-nist-p521"), (0x01C0001A, "ecc-sm2-p256"), (0x01C0001C, "rsa3072"),
        (0x01C0001E, "rsa4096"),
    ];

    /// <summary>Where this client's commands go.</summary>
    public ITpmTransport Transport => transport;

    /// <summary>TPM2_Startup. A TPM that is already started (TPM_RC_INITIALIZE) counts as success.</summary>
    public void Startup(bool clear = true)
    {
        var response = Send(Command(TpmCc.Startup, [], null, w => w.U16(clear ? (ushort)0 : (ushort)1)));
        var rc = ResponseCodeOf(response);
        if (rc != TpmResponseCode.Success && rc != TpmResponseCode.Initialize) throw new TpmErrorException(TpmCc.Startup, rc);
    }

    /// <summary>TPM2_GetRandom, repeated until <paramref name="count"/> bytes have come back.</summary>
    public byte[] GetRandom(int count)
    {
        var result = new byte[count];
        for (var have = 0; have < count;)
        {
            var want = (ushort)Math.Min(count - have, MaxDigestSize);
            var r = Execute(TpmCc.GetRandom, [], null, w => w.U16(want), 0, out _);
            var bytes = r.Sized("randomBytes", want);
            if (bytes.Length == 0) throw new TpmFormatException("offset 10: TPM2_GetRandom returned no bytes");
            bytes.CopyTo(result, have);
            have += bytes.Length;
        }
        return result;
    }

    /// <summary>TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES) from <paramref name="first"/>, following moreData.</summary>
    public IReadOnlyDictionary<uint, uint> GetProperties(uint first, uint count)
    {
        var result = new SortedDictionary<uint, uint>();
        var next = first;
        var end = first + count;
        while (next < end)
        {
            var r = Execute(TpmCc.GetCapability, [], null, w => w.U32(TpmCap.TpmProperties).U32(next).U32(end - next), 0, out _);
            var more = r.U8("moreData") != 0;
            ExpectCapability(r, TpmCap.TpmProperties);
            var n = r.Count("TPML_TAGGED_TPM_PROPERTY.count", 256);
            var last = next;
            for (var i = 0; i < n; i++)
            {
                var property = r.U32("TPMS_TAGGED_PROPERTY.property");
                result[property] = r.U32("TPMS_TAGGED_PROPERTY.value");
                last = property;
            }
            if (!more || n == 0 || last < next) break;
            next = last + 1;
        }
        return result;
    }

    /// <summary>TPM2_GetCapability(TPM_CAP_PCRS): the allocated banks and the PCRs active in each.</summary>
    public IReadOnlyList<TpmsPcrSelection> GetPcrBanks()
    {
        var r = Execute(TpmCc.GetCapability, [], null, w => w.U32(TpmCap.Pcrs).U32(0).U32(1), 0, out _);
        r.U8("moreData");
        ExpectCapability(r, TpmCap.Pcrs);
        return PcrSelection.Read(r, "TPML_PCR_SELECTION");
    }

    /// <summary>TPM2_GetCapability(TPM_CAP_HANDLES) for the range that starts at <paramref name="first"/>, following moreData.</summary>
    public IReadOnlyList<uint> GetHandles(uint first)
    {
        var result = new List<uint>();
        var rangeEnd = (first & 0xFF000000) + 0x01000000;
        for (var next = first; next < rangeEnd && result.Count < 4096;)
        {
            var from = next;
            var r = Execute(TpmCc.GetCapability, [], null, w => w.U32(TpmCap.Handles).U32(from).U32(64), 0, out _);
            var more = r.U8("moreData") != 0;
            ExpectCapability(r, TpmCap.Handles);
            var n = r.Count("TPML_HANDLE.count", 256);
            for (var i = 0; i < n; i++) result.Add(r.U32("TPM_HANDLE"));
            if (!more || n == 0 || result[^1] < from) break;
            next = result[^1] + 1;
        }
        return result;
    }

    /// <summary>TPM2_PCR_Read for every PCR in <paramref name="selection"/>, looping because a TPM returns at most 8 per call.</summary>
    /// <exception cref="TpmFormatException">The TPM does not return a requested PCR (bank not allocated) or answers inconsistently.</exception>
    public PcrBanks PcrRead(IReadOnlyList<TpmsPcrSelection> selection)
    {
        const int attempts = 3; // PCRs changing between calls (pcrUpdateCounter moves) restart the read
        for (var attempt = 0; ; attempt++)
        {
            var values = new PcrBanks();
            var remaining = selection.Select(b => new TpmsPcrSelection(b.Hash, [.. b.Pcrs])).Where(b => b.Pcrs.Count > 0).ToList();
            uint? counter = null;
            var consistent = true;
            while (remaining.Count > 0)
            {
                var ask = remaining;
                var r = Execute(TpmCc.PcrRead, [], null, w => PcrSelection.Write(w, ask), 0, out _);
                var updateCounter = r.U32("pcrUpdateCounter");
                if (counter is not null && counter != updateCounter) { consistent = false; break; }
                counter = updateCounter;
                var returned = PcrSelection.Read(r, "pcrSelectionOut");
                var digestCount = r.Count("TPML_DIGEST.count", 8);
                var pairs = returned.SelectMany(b => b.Pcrs.Select(p => (b.Hash, Pcr: p))).ToList();
                if (pairs.Count != digestCount)
                    throw new TpmFormatException($"TPM2_PCR_Read: pcrSelectionOut names {pairs.Count} PCRs but {digestCount} digests follow");
                if (digestCount == 0)
                    throw new TpmFormatException($"TPM2_PCR_Read: the TPM returned none of {PcrSelection.Format(remaining)} (bank not allocated?)");
                foreach (var (hash, pcr) in pairs)
                {
                    if (!ask.Any(b => b.Hash == hash && b.Pcrs.Contains(pcr)))
                        throw new TpmFormatException($"TPM2_PCR_Read: the TPM returned {TpmHash.Describe(hash)}:{pcr}, which was not asked for");
                    values.Set(hash, pcr, r.Sized("TPM2B_DIGEST", MaxDigestSize));
                }
                remaining = ask.Select(b => new TpmsPcrSelection(b.Hash, b.Pcrs.Where(p => values.Get(b.Hash, p) is null).ToList()))
                    .Where(b => b.Pcrs.Count > 0).ToList();
            }
            if (consistent) return values;
            if (attempt + 1 == attempts) throw new TpmFormatException("TPM2_PCR_Read: PCRs kept changing while they were read");
        }
    }

    /// <summary>TPM2_ReadPublic.</summary>
    public ReadPublicResult ReadPublic(uint handle)
    {
        var r = Execute(TpmCc.ReadPublic, [handle], null, _ => { }, 0, out _);
        var pub = ReadPublicArea(r);
        return new ReadPublicResult(pub, r.Sized("TPM2B_NAME name", MaxNameSize), r.Sized("TPM2B_NAME qualifiedName", MaxNameSize));
    }

    /// <summary>TPM2_CreatePrimary under <paramref name="hierarchy"/> (empty hierarchy auth) from <paramref name="template"/>.</summary>
    public CreatePrimaryResult CreatePrimary(uint hierarchy, TpmtPublic template)
    {
        var templateBytes = template.ToBytes();
        var r = Execute(TpmCc.CreatePrimary, [hierarchy], [PasswordSession()], w =>
        {
            w.U16(4).U16(0).U16(0);           // TPM2B_SENSITIVE_CREATE: empty userAuth and data
            w.Sized(templateBytes);           // TPM2B_PUBLIC inPublic
            w.U16(0);                         // TPM2B_DATA outsideInfo
            w.U32(0);                         // TPML_PCR_SELECTION creationPCR
        }, 1, out var handles);
        var pub = ReadPublicArea(r);
        r.Sized("TPM2B_CREATION_DATA", 2048);
        r.Sized("TPM2B_DIGEST creationHash", MaxDigestSize);
        r.U16("TPMT_TK_CREATION.tag");
        r.U32("TPMT_TK_CREATION.hierarchy");
        r.Sized("TPMT_TK_CREATION.digest", MaxDigestSize);
        var name = r.Sized("TPM2B_NAME", MaxNameSize);
        return new CreatePrimaryResult(handles[0], pub, name);
    }

    /// <summary>TPM2_Quote with the key's own scheme (inScheme TPM_ALG_NULL).</summary>
    public QuoteResult Quote(uint signHandle, byte[] qualifyingData, IReadOnlyList<TpmsPcrSelection> selection)
    {
        var r = Execute(TpmCc.Quote, [signHandle], [PasswordSession()], w =>
        {
            w.Sized(qualifyingData).Alg(TpmAlgId.Null);
            PcrSelection.Write(w, selection);
        }, 0, out _);
        var attest = r.Sized("TPM2B_ATTEST", 2048);
        return new QuoteResult(attest, TpmtSignature.Read(r));
    }

    /// <summary>TPM2_FlushContext: unloads a transient object or ends a session.</summary>
    public void FlushContext(uint handle) => Execute(TpmCc.FlushContext, [], null, w => w.U32(handle), 0, out _);

    /// <summary>TPM2_NV_ReadPublic.</summary>
    public TpmsNvPublic NvReadPublic(uint nvIndex)
    {
        var r = Execute(TpmCc.NvReadPublic, [nvIndex], null, _ => { }, 0, out _);
        var nv = r.SizedReader("TPM2B_NV_PUBLIC");
        var result = new TpmsNvPublic(nv.U32("TPMS_NV_PUBLIC.nvIndex"), nv.Alg("TPMS_NV_PUBLIC.nameAlg"),
            (TpmaNv)nv.U32("TPMS_NV_PUBLIC.attributes"), nv.Sized("TPMS_NV_PUBLIC.authPolicy", MaxDigestSize),
            nv.U16("TPMS_NV_PUBLIC.dataSize"));
        nv.ExpectEnd("TPMS_NV_PUBLIC");
        return result;
    }

    /// <summary>
    /// Reads a whole NV index with TPM2_NV_Read in chunks no larger than TPM_PT_NV_BUFFER_MAX, authorising with the index
    /// itself (AUTHREAD) or the owner hierarchy (OWNERREAD), both with an empty password.
    /// </summary>
    public byte[] NvReadAll(uint nvIndex)
    {
        var pub = NvReadPublic(nvIndex);
        var auth = pub.Attributes.HasFlag(TpmaNv.AuthRead) ? nvIndex
            : pub.Attributes.HasFlag(TpmaNv.OwnerRead) ? TpmRh.Owner
            : throw new TpmFormatException($"NV index 0x{nvIndex:X8} allows neither AUTHREAD nor OWNERREAD");
        var chunk = (int)Math.Clamp(GetProperties(TpmCap.PtNvBufferMax, 1).GetValueOrDefault(TpmCap.PtNvBufferMax, 512u), 64, 4096);
        var data = new byte[pub.DataSize];
        for (var offset = 0; offset < data.Length;)
        {
            var size = (ushort)Math.Min(chunk, data.Length - offset);
            var at = (ushort)offset;
            var r = Execute(TpmCc.NvRead, [auth, nvIndex], [PasswordSession()], w => w.U16(size).U16(at), 0, out _);
            var bytes = r.Sized("TPM2B_MAX_NV_BUFFER", size);
            if (bytes.Length != size) throw new TpmFormatException($"TPM2_NV_Read returned {bytes.Length} of {size} bytes at offset {at}");
            bytes.CopyTo(data, offset);
            offset += size;
        }
        return data;
    }

    /// <summary>TPM2_StartAuthSession: an unbound, unsalted policy session with SHA-256.</summary>
    public uint StartPolicySession()
    {
        var nonceCaller = RandomNumberGenerator.GetBytes(32);
        var r = Execute(TpmCc.StartAuthSession, [TpmRh.Null, TpmRh.Null], null, w =>
        {
            w.Sized(nonceCaller);             // TPM2B_NONCE nonceCaller
            w.U16(0);                         // TPM2B_ENCRYPTED_SECRET salt
            w.U8(SessionTypePolicy);
            w.Alg(TpmAlgId.Null);             // TPMT_SYM_DEF symmetric
            w.Alg(TpmAlgId.Sha256);           // authHash
        }, 1, out var handles);
        r.Sized("TPM2B_NONCE nonceTPM", MaxDigestSize);
        return handles[0];
    }

    /// <summary>TPM2_PolicySecret(<paramref name="authHandle"/>) with the empty password: satisfies the default EK policy.</summary>
    public void PolicySecret(uint authHandle, uint policySession) =>
        Execute(TpmCc.PolicySecret, [authHandle, policySession], [PasswordSession()], w =>
        {
            w.U16(0).U16(0).U16(0).U32(0);    // nonceTPM, cpHashA, policyRef (empty), expiration 0
        }, 0, out _);

    /// <summary>
    /// TPM2_ActivateCredential: the EK (<paramref name="keyHandle"/>, authorised by <paramref name="policySession"/>)
    /// decrypts the seed, checks the credential is bound to <paramref name="activateHandle"/>'s Name, and returns the secret.
    /// </summary>
    public byte[] ActivateCredential(uint activateHandle, uint keyHandle, uint policySession, byte[] credentialBlob, byte[] secret)
    {
        var r = Execute(TpmCc.ActivateCredential, [activateHandle, keyHandle],
            [PasswordSession(), new AuthCommand(policySession, RandomNumberGenerator.GetBytes(32), ContinueSession, [])],
            w => w.Sized(credentialBlob).Sized(secret), 0, out _);
        return r.Sized("TPM2B_DIGEST certInfo", MaxDigestSize);
    }

    /// <summary>Runs the EK's policy (PolicySecret(TPM_RH_ENDORSEMENT)) in a fresh session and activates the credential.</summary>
    public byte[] ActivateCredentialWithEk(uint akHandle, uint ekHandle, MakeCredentialResult credential)
    {
        var session = StartPolicySession();
        try
        {
            PolicySecret(TpmRh.Endorsement, session);
            return ActivateCredential(akHandle, ekHandle, session, credential.CredentialBlob, credential.Secret);
        }
        finally
        {
            FlushContext(session);
        }
    }

    /// <summary>The TPM's identity, PCR banks and persistent handles.</summary>
    public TpmInfo ReadInfo()
    {
        var p = GetProperties(TpmCap.PtFamilyIndicator, TpmCap.PtNvBufferMax - TpmCap.PtFamilyIndicator + 1);
        uint Get(uint property) => p.GetValueOrDefault(property);
        var revision = Get(TpmCap.PtRevision);
        var fw1 = Get(TpmCap.PtFirmwareVersion1);
        var fw2 = Get(TpmCap.PtFirmwareVersion2);
        var vendor = string.Concat(Enumerable.Range(0, 4).Select(i => Ascii(Get(TpmCap.PtVendorString1 + (uint)i))));
        return new TpmInfo(Ascii(Get(TpmCap.PtFamilyIndicator)), $"{revision / 100}.{revision % 100:D2}", Ascii(Get(TpmCap.PtManufacturer)),
            vendor, $"{fw1 >> 16}.{fw1 & 0xFFFF}.{fw2 >> 16}.{fw2 & 0xFFFF}", Get(TpmCap.PtPcrCount), GetPcrBanks(),
            GetHandles(TpmRh.PersistentFirst));
    }

    /// <summary>Every EK certificate present at the TCG-defined NV indices (absent indices are skipped).</summary>
    public IReadOnlyList<EkCertificate> ReadEkCertificates()
    {
        var defined = GetHandles(TpmRh.NvIndexFirst).ToHashSet();
        var found = new List<EkCertificate>();
        foreach (var (index, keyType) in EkCertificateIndices)
            if (defined.Contains(index))
                found.Add(new EkCertificate(index, keyType, TrimDer(NvReadAll(index), index)));
        return found;
    }

    /// <summary>A 4-byte TPM property as ASCII, without trailing NULs or spaces.</summary>
    private static string Ascii(uint value) =>
        Encoding.ASCII.GetString([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]).TrimEnd('\0', ' ');

    /// <summary>NV indices may hold padding after the certificate: keep exactly the outer DER SEQUENCE.</summary>
    private static byte[] TrimDer(byte[] data, uint index)
    {
        if (data.Length < 2 || data[0] != 0x30) throw new TpmFormatException($"NV index 0x{index:X8}: offset 0: not a DER SEQUENCE");
        int length, header;
        if (data[1] < 0x80) { length = data[1]; header = 2; }
        else
        {
            var octets = data[1] & 0x7F;
            if (octets is 0 or > 3 || data.Length < 2 + octets)
                throw new TpmFormatException($"NV index 0x{index:X8}: offset 1: bad DER length");
            length = 0;
            for (var i = 0; i < octets; i++) length = length << 8 | data[2 + i];
            header = 2 + octets;
        }
        if (header + length > data.Length)
            throw new TpmFormatException($"NV index 0x{index:X8}: offset 1: DER length {length} exceeds the {data.Length}-byte index");
        return data[..(header + length)];
    }

    private static void ExpectCapability(TpmReader r, uint capability)
    {
        var at = r.Offset;
        var got = r.U32("capability");
        if (got != capability) throw new TpmFormatException($"offset {at}: capability 0x{got:X} answers a request for 0x{capability:X}");
    }

    private static TpmtPublic ReadPublicArea(TpmReader r)
    {
        var inner = r.SizedReader("TPM2B_PUBLIC");
        var pub = TpmtPublic.Read(inner);
        inner.ExpectEnd("TPMT_PUBLIC");
        return pub;
    }

    /// <summary>TPMS_AUTH_COMMAND.</summary>
    private sealed record AuthCommand(uint Handle, byte[] Nonce, byte Attributes, byte[] Hmac);

    private static AuthCommand PasswordSession() => new(TpmRh.Password, [], ContinueSession, []);

    private static byte[] Command(TpmCc cc, uint[] handles, AuthCommand[]? sessions, Action<TpmWriter> parameters)
    {
        var w = new TpmWriter();
        w.U16(sessions is null ? TpmSt.NoSessions : TpmSt.Sessions).U32(0).U32((uint)cc);
        foreach (var h in handles) w.U32(h);
        if (sessions is not null)
        {
            var sizeAt = w.Length;
            w.U32(0);
            foreach (var s in sessions) w.U32(s.Handle).Sized(s.Nonce).U8(s.Attributes).Sized(s.Hmac);
            w.PatchU32(sizeAt, (uint)(w.Length - sizeAt - 4));
        }
        parameters(w);
        w.PatchU32(2, (uint)w.Length);
        return w.ToArray();
    }

    private byte[] Send(byte[] command)
    {
        var response = transport.Transceive(command);
        TpmResponseFrame.CheckComplete(response);
        return response;
    }

    private static uint ResponseCodeOf(byte[] response) =>
        (uint)(response[6] << 24 | response[7] << 16 | response[8] << 8 | response[9]);

    /// <summary>
    /// Sends a command and returns a reader over its response parameters. On TPM_RC_INITIALIZE the TPM is started
    /// (TPM2_Startup(CLEAR)) and the command sent once more.
    /// </summary>
    private TpmReader Execute(TpmCc cc, uint[] handles, AuthCommand[]? sessions, Action<TpmWriter> parameters,
        int responseHandles, out uint[] outHandles)
    {
        var command = Command(cc, handles, sessions, parameters);
        var response = Send(command);
        if (ResponseCodeOf(response) == TpmResponseCode.Initialize)
        {
            Startup();
            response = Send(command);
        }
        var rc = ResponseCodeOf(response);
        if (rc != TpmResponseCode.Success) throw new TpmErrorException(cc, rc);
        var r = new TpmReader(response, TpmResponseFrame.HeaderSize);
        var tag = (ushort)(response[0] << 8 | response[1]);
        var expectedTag = sessions is null ? TpmSt.NoSessions : TpmSt.Sessions;
        if (tag != expectedTag)
            throw new TpmFormatException($"offset 0: TPM2_{cc} response tag 0x{tag:X4}, expected 0x{expectedTag:X4}");
        outHandles = new uint[responseHandles];
        for (var i = 0; i < responseHandles; i++) outHandles[i] = r.U32("handle");
        if (sessions is null) return r;
        var sizeAt = r.Offset;
        var parameterSize = r.U32("parameterSize");
        if (parameterSize > r.Remaining)
            throw new TpmFormatException($"offset {sizeAt}: parameterSize {parameterSize} exceeds the {r.Remaining} bytes left");
        var start = r.Offset;
        var auth = new TpmReader(response, start + (int)parameterSize);
        foreach (var _ in sessions)
        {
            auth.Sized("TPMS_AUTH_RESPONSE.nonce", MaxDigestSize);
            auth.U8("TPMS_AUTH_RESPONSE.sessionAttributes");
            auth.Sized("TPMS_AUTH_RESPONSE.hmac", MaxDigestSize);
        }
        auth.ExpectEnd("the response authorization area");
        return new TpmReader(response, start, start + (int)parameterSize);
    }
}
