using System.CommandLine;
using WeightGuard.Agent;
using WeightGuard.Agent.Enrollment;
using WeightGuard.Collectors;
using WeightGuard.Collectors.Host;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard enroll</c>: enrol this host with an aggregator and save the agent identity.</summary>
internal static class EnrollCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "The aggregator's URL, e.g. https://aggregator.example:8443", Required = true, HelpName = "URL" };
        var token = new Option<string>("--token") { Description = "The one-time enrolment token (wg1.SECRET.CAPIN) from 'weightguard-aggregator tokens create'", Required = true, HelpName = "TOKEN" };
        var tpm = new Option<string>("--tpm") { Description = "Which TPM to enrol with: auto (none if the host has none), none, device:PATH or swtpm:HOST:PORT", DefaultValueFactory = _ => "auto", HelpName = "SELECTOR" };
        var state = AgentOptions.State();
        var name = new Option<string?>("--name") { Description = "The name this host enrols with, its identity at the aggregator (RFC 1123, at most 253 characters); default: this machine's host name", HelpName = "NAME" };
        var command = new Command("enroll", "Enrol this host with an aggregator (checks the server's CA against the token's pin, proves the TPM's attestation key) under its name (--name) and save the identity. Exit 0 prints the agent id; 2 on any failure.")
        {
            server, token, tpm, state, name,
        };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                if (!Uri.TryCreate(parse.GetValue(server), UriKind.Absolute, out var url)) throw new AgentException($"--server {parse.GetValue(server)}: not a URL");
                TpmSelector selector;
                try { selector = TpmSelector.Parse(parse.GetValue(tpm)!); }
                catch (FormatException e) { throw new AgentException("--tpm: " + e.Message); }
                var host = new HostIdentityCollector(HostRoot.Live).Collect();
                var enrolledName = parse.GetValue(name) ?? host.Hostname;
                if (HostNames.Problem(enrolledName) is { } problem) throw new AgentException("--name: " + problem);
                var id = await Enroller.Enroll(new EnrollmentOptions(url, parse.GetValue(token)!, selector, parse.GetValue(state)!, enrolledName, host.MachineId), cancel);
                Console.Out.WriteLine(id);
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is AgentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine("enrolment failed: " + e.Message.ReplaceLineEndings(" "));
                return ExitCodes.BadInput;
            }
        });
        return command;
    }
}
