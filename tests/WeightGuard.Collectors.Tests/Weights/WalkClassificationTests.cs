using WeightGuard.Collectors.Weights;

namespace WeightGuard.Collectors.Tests.Weights;

public class WalkClassificationTests
{
    private const string Pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

    [Test]
    public void ABigDirectoryIsClassifiedCompletelyWhateverTheOrderOfWork()
    {
        // Enough files in one directory that they are classified in parallel.
        using var tree = new HostTree();
        for (var i = 0; i < 300; i++)
        {
            switch (i % 5)
            {
                case 0: tree.Write($"/models/w{i:D3}.gguf", HostTree.Gguf()); break;
                case 1: tree.Write($"/models/bad{i:D3}.safetensors", "plain text"); break;
                case 2: tree.Write($"/models/notes{i:D3}.txt", Pem); break;
                case 3: tree.Write($"/models/empty{i:D3}.key", []); break;
                default: tree.Write($"/models/readme{i:D3}.md", "nothing here"); break;
            }
        }
        var walk = new WeightInventoryCollector(tree.HostRoot).Collect(["/models"]);
        Assert.Multiple(() =>
        {
            Assert.That(walk.Inventory.EntriesVisited, Is.EqualTo(300));
            Assert.That(walk.Inventory.Files.Select(f => f.Path), Is.EqualTo(Enumerable.Range(0, 60).Select(i => $"/models/w{i * 5:D3}.gguf")));
            Assert.That(walk.Inventory.Mismatched.Select(f => f.Path), Is.EqualTo(Enumerable.Range(0, 60).Select(i => $"/models/bad{i * 5 + 1:D3}.safetensors")));
            Assert.That(walk.Keys.Where(k => k.Kind == "openssh-private-key").Select(k => k.HostPath),
                Is.EqualTo(Enumerable.Range(0, 60).Select(i => $"/models/notes{i * 5 + 2:D3}.txt")), "keys are found by content whatever their name");
            Assert.That(walk.Keys.Where(k => k.Kind == "named-key-file").Select(k => k.HostPath),
                Is.EqualTo(Enumerable.Range(0, 60).Select(i => $"/models/empty{i * 5 + 3:D3}.key")), "an empty file is a key by its name alone");
            Assert.That(walk.Inventory.Errors, Is.Empty);
        });
    }
}
