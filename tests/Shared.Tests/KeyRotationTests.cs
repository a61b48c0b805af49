using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SandboxRegistry.EventSourcing;
using SandboxRegistry.EventSourcing.Audit;
using SandboxRegistry.Hosting.Audit;

namespace SandboxRegistry.Shared.Tests;

/// <summary>Checkpoint keys are configured, not built in, and a rotation keeps every note signed before it verifying.</summary>
public class KeyRotationTests
{
    private const string Origin = "sandbox-registry/sandbox-applications";

    private sealed class Production : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static byte[] Seed(byte b) => Enumerable.Repeat(b, 32).ToArray();

    private static CheckpointKeys Keys(Action<AuditOptions> configure)
    {
        var options = new AuditOptions();
        configure(options);
        return new CheckpointKeys(Options.Create(options), new ServiceIdentity("sandbox-applications"), new Production());
    }

    private static string Note(NoteKey key, long size) =>
        SignedNote.Sign(SignedNote.CheckpointBody(key.Name, size, System.Security.Cryptography.SHA256.HashData([(byte)size])), key);

    private static bool SignedByAny(string note, IEnumerable<(string Name, byte[] PublicKey)> keys) =>
        keys.Any(k => SignedNote.HasValidSignature(note, k.Name, k.PublicKey));

    [Fact]
    public void After_a_rotation_the_service_signs_with_the_new_key_and_still_publishes_the_old_one_so_old_notes_verify()
    {
        var old = new NoteKey(Origin, Seed(1));
        var before = Note(old, 10);

        var rotated = Keys(o =>
        {
            o.SigningKey = Convert.ToBase64String(Seed(2));
            o.PreviousVerifierKeys = [old.VerifierKey()];
        });
        var after = Note(rotated.Key, 11);
        var published = AuditEndpoints.GetKeys(rotated).Value!;

        Assert.Equal(new NoteKey(Origin, Seed(2)).VerifierKey(), published.VerifierKey);
        Assert.Equal([old.VerifierKey()], published.PreviousVerifierKeys);
        Assert.True(SignedNote.HasValidSignature(after, rotated.Key.Name, rotated.Key.PublicKey));
        Assert.False(SignedNote.HasValidSignature(before, rotated.Key.Name, rotated.Key.PublicKey), "the old note is not the new key's");
        // What an auditor does with the published keys (docs/verify_dossier.py does the same): both notes verify.
        var publishedKeys = new[] { published.VerifierKey }.Concat(published.PreviousVerifierKeys).Select(k => CheckpointKeys.ParseVerifierKey(k)).ToList();
        Assert.True(SignedByAny(before, publishedKeys));
        Assert.True(SignedByAny(after, publishedKeys));
        Assert.True(SignedByAny(before, rotated.OwnKeys));
        Assert.False(SignedByAny(Note(new NoteKey(Origin, Seed(3)), 12), publishedKeys), "a key never published");
    }

    [Fact]
    public void A_witness_configured_with_a_peers_new_and_old_keys_verifies_the_peers_notes_from_before_and_after_its_rotation()
    {
        var old = new NoteKey(Origin, Seed(1));
        var current = new NoteKey(Origin, Seed(2));
        var witness = new CheckpointKeys(Options.Create(new AuditOptions
        {
            SigningKey = Convert.ToBase64String(Seed(9)),
            PeerVerifierKeys = new() { ["sandbox-applications"] = $"{current.VerifierKey()}, {old.VerifierKey()}" },
        }), new ServiceIdentity("ai-system-registry"), new Production());

        var keys = witness.PeerKeys("sandbox-applications");

        Assert.Equal([current.PublicKey, old.PublicKey], keys.Select(k => k.PublicKey));
        Assert.True(SignedByAny(Note(old, 10), keys));
        Assert.True(SignedByAny(Note(current, 11), keys));
        Assert.False(SignedByAny(Note(new NoteKey(Origin, Seed(3)), 12), keys));
        Assert.Empty(witness.PeerKeys("incident-claims")); // outside Development, an unknown peer's notes are never cosigned
    }

    [Fact]
    public void Outside_development_a_service_without_a_signing_key_refuses_to_start() =>
        Assert.Throws<InvalidOperationException>(() => Keys(_ => { }));
}
