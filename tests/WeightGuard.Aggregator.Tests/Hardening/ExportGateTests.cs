using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Export;
using WeightGuard.Aggregator.Tests.Dashboard;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// D3, concurrency: two concurrent exports each held the fleet in memory. Now an aggregator runs one export at a time; a
/// second asked for meanwhile gets 429 with <c>Retry-After</c>, and exports work again once the first has finished.
/// </summary>
public sealed class ExportGateTests(string database) : OnBothDatabases(database)
{
    [Test]
    public async Task ASecondExportWhileOneRunsGets429()
    {
        var aggregator = await StartAsync();
        var export = aggregator.Services.GetRequiredService<EvidenceExport>();
        using var blocked = new BlockedStream();
        var first = Task.Run(() => export.WriteAsync(new ExportRequest(null, null, "first"), blocked, CancellationToken.None));
        Assert.That(blocked.Entered.Wait(TimeSpan.FromMinutes(1)), "the first export started writing");

        Assert.ThrowsAsync<ExportInProgressException>(() => export.WriteAsync(new ExportRequest(null, null, "second"), Stream.Null, CancellationToken.None));
        var (client, _) = await DashboardFleet.SignInAsync(aggregator, await TokenAsync(aggregator, Roles.Auditor));
        using (client)
        {
            var refused = await client.PostAsync("/dashboard/export", await DashboardFleet.FormAsync(client, "/dashboard/export"));
            AssertTooManyRequests(refused);
            Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("another evidence export is running"));

            blocked.Release.Set();
            await first;
            var after = await client.PostAsync("/dashboard/export", await DashboardFleet.FormAsync(client, "/dashboard/export"));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(after.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/zip"));
        }
    }

    /// <summary>Blocks the first write until released, so that an export is held in flight without timing.</summary>
    private sealed class BlockedStream : MemoryStream
    {
        public ManualResetEventSlim Entered { get; } = new();
        public ManualResetEventSlim Release { get; } = new();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Entered.Set();
            Release.Wait();
            base.Write(buffer, offset, count);
        }

        // MemoryStream's span overload calls back into the array one in a derived type; go straight to it instead.
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Entered.Dispose();
                Release.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
